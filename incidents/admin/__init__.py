"""The incident admin. Importing this package registers the incident admin and plugs the
incidents into the priority matrix admin's "apply to open tickets" button."""

from incidents.admin import incident, matrix

__all__ = ["incident", "matrix"]
