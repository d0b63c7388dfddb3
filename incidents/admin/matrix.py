"""Incidents' part of the priority matrix admin: after a manager edits the matrix, the
kernel's "apply" button recomputes every open incident through the workflow."""

from typing import TYPE_CHECKING

from incidents.models import OPEN_STATES, Incident
from incidents.workflow import incident_recalculate_priority
from kernel.admin.matrix import register_matrix_applier

if TYPE_CHECKING:
    from accounts.models import User


def apply_matrix_to_open_incidents(by: "User") -> int:
    """How many open incidents changed priority. Overridden ones keep theirs: the workflow
    decides that, one locked incident at a time, so each change gets its audit rows."""
    changed = 0
    open_incidents = Incident.objects.filter(status__in=OPEN_STATES).only("pk").order_by("pk")
    for incident in open_incidents.iterator(chunk_size=500):
        changed += incident_recalculate_priority(incident, by=by)
    return changed


register_matrix_applier("open incidents", apply_matrix_to_open_incidents)
