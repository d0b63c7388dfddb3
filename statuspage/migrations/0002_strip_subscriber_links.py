"""Subscribers' signed links used to be stored in their notification rows: the
confirmation mail's link as the row's ``url``, every update's unsubscribe link in
``payload.unsubscribe_url``. Any agent reads those rows in the delivery log, and so could
confirm or unsubscribe someone else. The links are now built for the subscriber when
their mail is sent; this removes the stored copies.

A confirmation not yet sent keeps what its link carried: the services chosen, read back
from the signed link into ``payload.services`` (where the mail's link is now built from).
The salt is copied from ``statuspage.links`` rather than imported: a migration must not
change when the app's code does."""

from django.core import signing
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Q

BATCH = 500
CONFIRM_PATH = "/subscribe/confirm/"
CONFIRM_SALT = "statuspage.confirm"


def _services(url: str) -> list[int]:
    token = url.partition(CONFIRM_PATH)[2].strip("/")
    try:
        value = signing.loads(token, salt=CONFIRM_SALT)
    except signing.BadSignature:
        return []  # a link that no longer worked: nothing to keep
    services = value.get("v", []) if isinstance(value, dict) else []
    return [pk for pk in services if isinstance(pk, int)]


def strip_subscriber_links(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(
        Q(payload__has_key="unsubscribe_url") | Q(url__contains=CONFIRM_PATH)
    ).only("pk", "url", "payload")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        row.payload.pop("unsubscribe_url", None)
        if CONFIRM_PATH in row.url:
            row.payload.setdefault("services", _services(row.url))
            # The status page itself, which the confirm link lived under.
            row.url = row.url.partition(CONFIRM_PATH)[0] + "/"
        changed.append(row)
    Notification.objects.bulk_update(changed, ["url", "payload"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("statuspage", "0001_initial"),
        ("notifications", "0002_address_and_status_kinds"),
    ]

    operations = [migrations.RunPython(strip_subscriber_links, migrations.RunPython.noop)]
