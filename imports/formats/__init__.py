"""The source formats ``import_incidents --format`` knows, by name (``formats.base``)."""
