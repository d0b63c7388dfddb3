"""The source formats ``import_incidents --format`` knows, by name (``formats.base``)."""

from imports.formats.base import Format

FORMATS: dict[str, type[Format]] = {}
