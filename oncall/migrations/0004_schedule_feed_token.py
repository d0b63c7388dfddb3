"""Each schedule gets its own random calendar feed secret. The old signed links
(``signing.dumps(pk)``) stop working: managers copy the new link from the schedule's page
(docs/notifications.md). The column is filled here and made unique in 0005, apart,
because PostgreSQL refuses to alter a table with row updates pending in the same
transaction."""

import secrets

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def give_each_schedule_a_token(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Schedule = apps.get_model("oncall", "Schedule")
    for schedule in Schedule.objects.filter(feed_token__isnull=True):
        schedule.feed_token = secrets.token_urlsafe(32)
        schedule.save(update_fields=["feed_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0003_escalation_delay_positive"),
    ]

    operations = [
        migrations.AddField(
            model_name="schedule",
            name="feed_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_schedule_a_token, migrations.RunPython.noop),
    ]
