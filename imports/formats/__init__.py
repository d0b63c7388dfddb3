"""The source formats ``import_incidents --format`` knows, by name (``formats.base``)."""

from imports.formats.base import Format
from imports.formats.bpic2013 import Bpic2013
from imports.formats.bpic2014 import Bpic2014
from imports.formats.servicedesk import ServiceDesk
from imports.formats.servicenow import ServiceNow

FORMATS: dict[str, type[Format]] = {
    "servicenow": ServiceNow,
    "bpic2013": Bpic2013,
    "bpic2014": Bpic2014,
    "servicedesk": ServiceDesk,
}
