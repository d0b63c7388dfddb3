"""Fixtures for the routes mail comes in by: a real IMAP server (dovecot), and the test
database's URL for the pollers and gateways started as processes of their own."""

from collections.abc import Iterator

import pytest
from django.db import connection

from tests.mailin.dovecot import Dovecot, running_dovecot


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def database_url(transactional_db: None) -> str:
    """The test database, for a process of its own (only transactional tests commit what
    another process can see)."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
