"""The source formats ``import_incidents --format`` knows, by name (``formats.base``)."""

from imports.formats.base import Format
from imports.formats.servicenow import ServiceNow

FORMATS: dict[str, type[Format]] = {
    "servicenow": ServiceNow,
}
