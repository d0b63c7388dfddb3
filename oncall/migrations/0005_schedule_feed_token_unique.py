from django.db import migrations, models

import oncall.models


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0004_schedule_feed_token"),
    ]

    operations = [
        migrations.AlterField(
            model_name="schedule",
            name="feed_token",
            field=models.CharField(
                default=oncall.models.new_feed_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
