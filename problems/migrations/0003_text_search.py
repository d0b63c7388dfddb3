"""Full-text search on PostgreSQL (kernel.search): a stored, GIN-indexed tsvector of the
problem's text and of its timeline's comments and work notes. Nothing on SQLite."""

from django.db import migrations

from kernel.migration_operations import NOTES_VECTOR, TextSearchColumn, weighted


class Migration(migrations.Migration):
    dependencies = [("problems", "0002_title_search_index")]

    operations = [
        TextSearchColumn(
            "problems_problem",
            weighted(
                ("title", "A"), ("description", "B"), ("workaround", "B"), ("root_cause", "C")
            ),
            "prb_search",
        ),
        TextSearchColumn("problems_problemtimelineentry", NOTES_VECTOR, "prb_timeline_search"),
    ]
