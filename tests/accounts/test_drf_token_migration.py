"""Upgrading: the DRF tokens of before (plain keys in ``authtoken_token``) become API tokens
stored as digests, the clients holding them keep working, and the plain keys are gone."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's format: 40 hex characters


def test_drf_keys_are_hashed_and_keep_working(agent):
    migration = importlib.import_module("accounts.migrations.0004_import_drf_tokens")
    with connection.cursor() as cursor:
        # The table as rest_framework.authtoken created it.
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamptz NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [KEY, timezone.now(), agent.pk]
        )
    with connection.schema_editor() as editor:
        migration.import_drf_tokens(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert token.user == agent and token.prefix == KEY[:10] and KEY not in token.digest
    assert token.expires is not None and token.expires > timezone.now()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {KEY}")
    assert client.get("/api/v1/incidents/").status_code == 200
