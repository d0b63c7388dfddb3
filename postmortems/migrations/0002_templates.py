"""The two templates the desk starts with: "Default" (every section) and "Lightweight"
(what happened and what to change, for smaller incidents). Managers edit them in the
admin afterwards; this runs once."""

from typing import Any

from django.db import migrations

DEFAULT = {
    "name": "Default",
    "description": "The full review: every section, for major incidents.",
    "is_default": True,
    "root_causes": "What in the system made this possible? Ask why until the answer is a "
    "condition you can change, not a person.",
    "contributing_factors": "What made it worse, longer or harder to see: alerts, "
    "dashboards, runbooks, timing, load, recent changes.",
    "went_well": "What helped: detection, tooling, people reaching each other, decisions.",
    "went_badly": "Where the response lost time or information, and why the system let it.",
    "got_lucky": "What could have made it much worse, and did not by chance.",
    "lessons": "What we change, each as an action item with an owner and a due date.",
}
LIGHTWEIGHT = {
    "name": "Lightweight",
    "description": "A short review: cause, what went badly, lessons.",
    "is_default": False,
    "root_causes": "What caused it, in the system's terms.",
    "went_badly": "What slowed the response.",
    "lessons": "What we change (as action items).",
}


def ship(apps: Any, schema_editor: Any) -> None:
    template = apps.get_model("postmortems", "PostmortemTemplate")
    for fields in (DEFAULT, LIGHTWEIGHT):
        template.objects.get_or_create(name=fields["name"], defaults=fields)


def unship(apps: Any, schema_editor: Any) -> None:
    template = apps.get_model("postmortems", "PostmortemTemplate")
    template.objects.filter(name__in=[DEFAULT["name"], LIGHTWEIGHT["name"]]).delete()


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
