"""The alerts console: each module registers its admins with the site."""

from alerts.admin import runbooks  # noqa: F401
