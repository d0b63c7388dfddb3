"""Pages used to store their signed acknowledge link in the ``paged`` timeline event, which
the caller can read, and so in every page notification's payload (webhooks included).
The link is now built for the person paged when their message is sent; this removes the
stored copies. Links already sent still work until they expire (a day)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Q

BATCH = 500


def strip_ack_urls(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Entry = apps.get_model("incidents", "IncidentTimelineEntry")
    entries = Entry.objects.filter(data__has_key="ack_url").only("pk", "data")
    changed = []
    for entry in entries.iterator(chunk_size=BATCH):
        entry.data.pop("ack_url", None)
        changed.append(entry)
    Entry.objects.bulk_update(changed, ["data"], batch_size=BATCH)

    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(
        Q(payload__has_key="ack_url") | Q(payload__data__has_key="ack_url")
    ).only("pk", "payload")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        row.payload.pop("ack_url", None)
        if isinstance(row.payload.get("data"), dict):
            row.payload["data"].pop("ack_url", None)
        changed.append(row)
    Notification.objects.bulk_update(changed, ["payload"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0001_initial"),
        ("incidents", "0004_status_reported_index"),
        ("notifications", "0002_address_and_status_kinds"),
    ]

    operations = [migrations.RunPython(strip_ack_urls, migrations.RunPython.noop)]
