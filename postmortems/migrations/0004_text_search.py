"""Full-text search on PostgreSQL (kernel.search): a stored, GIN-indexed tsvector of the
postmortem's text and of its timeline's comments and work notes. Nothing on SQLite."""

from django.db import migrations

from kernel.migration_operations import NOTES_VECTOR, TextSearchColumn, weighted


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0003_title_search_index")]

    operations = [
        TextSearchColumn(
            "postmortems_postmortem",
            weighted(
                ("title", "A"),
                ("description", "B"),
                ("customer_impact", "C"),
                ("root_causes", "C"),
                ("lessons", "C"),
            ),
            "pir_search",
        ),
        TextSearchColumn(
            "postmortems_postmortemtimelineentry", NOTES_VECTOR, "pir_timeline_search"
        ),
    ]
