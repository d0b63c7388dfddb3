"""Full-text search on PostgreSQL (kernel.search): a stored, GIN-indexed tsvector of the
incident's text and of its timeline's comments and work notes. Nothing on SQLite."""

from django.db import migrations

from kernel.migration_operations import NOTES_VECTOR, TextSearchColumn, weighted


class Migration(migrations.Migration):
    dependencies = [("incidents", "0009_locations_and_cis")]

    operations = [
        TextSearchColumn(
            "incidents_incident", weighted(("title", "A"), ("description", "B")), "inc_search"
        ),
        TextSearchColumn("incidents_incidenttimelineentry", NOTES_VECTOR, "inc_timeline_search"),
    ]
