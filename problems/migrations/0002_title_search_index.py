from django.db import migrations

from kernel.migration_operations import TrigramSearchIndex


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]
    operations = [
        TrigramSearchIndex("problems_problem", "title", "prb_title_trgm"),
    ]
