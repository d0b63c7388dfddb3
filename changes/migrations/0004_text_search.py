"""Full-text search on PostgreSQL (kernel.search): a stored, GIN-indexed tsvector of the
change's text and of its timeline's comments and work notes. Nothing on SQLite."""

from django.db import migrations

from kernel.migration_operations import NOTES_VECTOR, TextSearchColumn, weighted


class Migration(migrations.Migration):
    dependencies = [("changes", "0003_customer_visible")]

    operations = [
        TextSearchColumn(
            "changes_change",
            weighted(("title", "A"), ("description", "B"), ("justification", "C")),
            "chg_search",
        ),
        TextSearchColumn("changes_changetimelineentry", NOTES_VECTOR, "chg_timeline_search"),
    ]
