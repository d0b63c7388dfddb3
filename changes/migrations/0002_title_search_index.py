from django.db import migrations

from kernel.migration_operations import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [("changes", "0001_initial")]
    operations = [
        TrigramSearchIndex("changes_change", "title", "chg_title_trgm"),
    ]
