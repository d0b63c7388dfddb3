from django.db import migrations

from kernel.migration_operations import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0002_templates")]
    operations = [
        TrigramSearchIndex("postmortems_postmortem", "title", "pir_title_trgm"),
    ]
