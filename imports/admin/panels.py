"""The "Imported from" panel on an imported incident's change form (``kernel.admin.panels``,
plugged in by ``imports.wiring``): the source, its number and line, the source's columns
we have no field for, and the source's own counters beside ours. One query."""

from pathlib import PurePath

from django.http import HttpRequest

from imports.models import ImportedIncident
from incidents.models import Incident
from kernel.admin.panels import Panel, PanelRow

OURS = {"reassignments": "reassignment_count", "reopens": "reopen_count"}


def imported_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    key = ImportedIncident.objects.filter(incident=incident).first()
    if key is None:
        return None
    rows = [
        PanelRow(
            # The file's name only: the server's directories are nobody's business here.
            f"{key.number}, {PurePath(key.path).name} line {key.line}",
            note=f"updates up to {key.last_sequence}",
        )
    ]
    for counter, theirs in sorted(key.counters.items()):
        ours = getattr(incident, OURS[counter]) if counter in OURS else None
        note = f"source {theirs}, ours {ours}" + ("" if ours in (None, theirs) else " (differ)")
        rows.append(PanelRow(counter.capitalize(), note=note))
    for kind, linked in sorted(key.links.items()):
        text = ", ".join(f"{source} = {ours}" for source, ours in sorted(linked.items()))
        rows.append(PanelRow(kind.replace("_", " ").capitalize(), note=text))
    for name, value in sorted(key.attributes.items()):
        rows.append(PanelRow(name, note=str(value)))
    return Panel(f"Imported from {key.source}", rows)
