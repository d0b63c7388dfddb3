"""The response app's admin: the major-incident board (``board``), the incident form's
panels and their pages (``panels``, ``views``) and the bulk action (``actions``). What
response plugs into is listed in ``response.wiring``."""

from response.admin import actions, board, panels, views

__all__ = ["actions", "board", "panels", "views"]
