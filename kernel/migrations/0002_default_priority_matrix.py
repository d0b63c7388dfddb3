from django.db import migrations

# ITIL.md's table, frozen here: later edits to kernel.priority must not change history.
MATRIX = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}


def seed(apps, schema_editor):
    PriorityCell = apps.get_model("kernel", "PriorityCell")
    for (impact, urgency), priority in MATRIX.items():
        PriorityCell.objects.get_or_create(
            impact=impact, urgency=urgency, defaults={"priority": priority}
        )


class Migration(migrations.Migration):
    dependencies = [("kernel", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
