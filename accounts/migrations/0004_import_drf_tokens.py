"""Move the DRF tokens (``rest_framework.authtoken``, plain keys) into ``ApiToken``: each
key is stored as its SHA-256 only, so the clients holding one keep working, and the table
of plain keys is dropped. ``authtoken`` is no longer installed, so its table is read with
SQL where it exists (on a new database it never did)."""

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TABLE = "authtoken_token"


def import_drf_tokens(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        cursor.execute(f"SELECT key, user_id, created FROM {TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    ApiToken = apps.get_model("accounts", "ApiToken")
    # They never expired before; now they do, API_TOKEN_DAYS from the upgrade, so their
    # owners replace them with named ones in time (docs/operations.md#api-tokens).
    expires = timezone.now() + timedelta(days=getattr(settings, "API_TOKEN_DAYS", 90))
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="Token from before named tokens",
            prefix=key[:10],
            # accounts.tokens.token_digest, inlined: a migration must not change with the code.
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created=created,
            expires=expires,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {TABLE}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    # authtoken's content types and permissions stay until `manage.py
    # remove_stale_contenttypes`, which also handles admin log entries pointing at them.


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens")]

    operations = [
        # Not reversible in substance: the plain keys are gone; the tokens stay.
        migrations.RunPython(import_drf_tokens, migrations.RunPython.noop),
    ]
