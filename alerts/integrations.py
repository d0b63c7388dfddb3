"""What an integration's owner does besides editing it: rotate its secret, and tell the
monitoring tool where to send (the endpoint's URL and the sender's configuration)."""

import logging

from django.conf import settings
from django.db import connection

from accounts.models import User
from alerts.models import AuthMode, Integration, Kind, new_integration_secret

logger = logging.getLogger(__name__)

SECRET_PLACEHOLDER = "<the integration's secret>"


def integration_by_key(key: str) -> Integration | None:
    """The integration a post names, read on every alert post with one plain query: no
    join (the service is read only when an incident opens), no order, and the row made
    into the model the way the ORM does it (``from_db``, each column's converter), without
    building a query per post (a sixth of the ORM's cost here)."""
    fields = Integration._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    table = connection.ops.quote_name(Integration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE key = %s",  # noqa: S608 (the model's names)  # nosec B608
            [key[:64]],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, row, strict=True)
    ]
    return Integration.from_db(connection.alias, [field.attname for field in fields], values)


def integration_rotate_secret(integration: Integration, *, by: User) -> str:
    """A new secret, in force at once: the sender is refused (401) until it is given the
    new one. Returns it, for the one page that shows it."""
    integration.secret = new_integration_secret()
    # The history leaves the secret out; the row it writes says who rotated it and when.
    integration._history_user = by  # type: ignore[attr-defined]
    integration.save(update_fields=["secret"])
    logger.info("Alert integration %s: secret rotated by %s", integration.pk, by)
    return integration.secret


def endpoint_url(integration: Integration) -> str:
    """Where its sender posts: ``SITE_URL`` and the integration's path."""
    return settings.SITE_URL.rstrip("/") + integration.path


def sender_setup(integration: Integration, secret: str = SECRET_PLACEHOLDER) -> str:
    """What to paste into the sender: Alertmanager's ``webhook_configs`` entry, Grafana's
    contact point settings, or a curl call for an Events v2 sender."""
    url = endpoint_url(integration)
    if integration.kind == Kind.ALERTMANAGER:
        if integration.auth == AuthMode.HMAC:
            return (
                "# Alertmanager cannot sign a webhook's body: switch this integration to\n"
                "# a bearer token, or put a signing proxy in front of it.\n"
            )
        return (
            "receivers:\n"
            "  - name: servicedesk\n"
            "    webhook_configs:\n"
            f"      - url: {url}\n"
            "        send_resolved: true\n"
            "        max_alerts: 0\n"
            "        http_config:\n"
            "          authorization:\n"
            "            type: Bearer\n"
            f"            credentials: {secret}\n"
        )
    if integration.kind == Kind.GRAFANA:
        header = (
            f"Authorization header: Bearer {secret}"
            if integration.auth == AuthMode.TOKEN
            else f"HMAC signature: secret {secret}, header {integration.signature_header}"
        )
        return f"Contact point type: Webhook\nURL: {url}\nHTTP method: POST\n{header}\n"
    credentials = (
        f"  -H 'Authorization: Bearer {secret}' \\\n"
        if integration.auth == AuthMode.TOKEN
        else f"  -H '{integration.signature_header}: sha256=<HMAC-SHA256 of the body>' \\\n"
    )
    return (
        f"curl -X POST {url} \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        f"{credentials}"
        '  -d \'{"event_action": "trigger", "dedup_key": "disk-full-db1", '
        '"payload": {"summary": "Disk full on db1", "source": "db1", '
        '"severity": "critical"}}\'\n'
    )
