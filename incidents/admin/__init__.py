"""The incident admin. Importing this package registers the incident admin, plugs the
incidents into the priority matrix admin's "apply to open tickets" button, and shows an
incident's files on its change form."""

from incidents.admin import attachments, incident, matrix

__all__ = ["attachments", "incident", "matrix"]
