from django.db import migrations

from kernel.migration_operations import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [
        TrigramSearchIndex("incidents_incident", "title", "inc_title_trgm"),
    ]
