"""The portal's pages: signing in (``account``), reporting (``report``) and following
one's incidents (``incidents``). Each view parses, calls one workflow function, renders."""
