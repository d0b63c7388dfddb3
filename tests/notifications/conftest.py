"""Fixtures for notification tests against real services: the test database as the worker
sees it, the broker, a Celery worker subprocess, a webhook receiver and the mail folder."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection

from notifications.models import Endpoint
from tests.notifications.harness import (
    Process,
    Receiver,
    RedisServer,
    start_receiver,
    start_worker,
    worker_env,
)
from tests.services import free_port


@pytest.fixture
def database_url(transactional_db: None) -> str:
    """The test database, for processes that are not this one (pytest-django names it
    ``test_<name>``); only transactional tests commit what those processes must see."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("Worker tests need PostgreSQL (DATABASE_URL=postgres://...)")
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def broker_url() -> str:
    """The broker this process publishes to (CELERY_BROKER_URL), emptied first so that
    tasks other tests left behind do not count."""
    from servicedesk.celery import app

    url = settings.CELERY_BROKER_URL
    if app.conf.task_always_eager:
        pytest.fail("Celery is eager in this process: tasks would never reach the worker")
    if not url.startswith("redis://"):
        pytest.fail("Worker tests need CELERY_BROKER_URL=redis://... (a real broker)")
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is unreachable: {exc}")
    return url


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    # It listens on loopback, which webhooks may call only when allowed by name.
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    receiver = start_receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def spawn_worker(
    database_url: str, mail_dir: Path, tmp_path: Path
) -> Iterator[Callable[..., Process]]:
    """``spawn_worker(broker_url, **env)`` starts a real worker (with an embedded beat that
    runs the relay every second); every worker started is stopped at the end."""
    started: list[Process] = []

    def spawn(broker: str, *, concurrency: int = 3, **extra: str) -> Process:
        log = tmp_path / f"worker-{len(started)}.log"
        env = worker_env(database_url, broker, mail_dir, **extra)
        process = start_worker(env, log, concurrency=concurrency)
        started.append(process)
        return process

    yield spawn
    for process in started:
        process.kill()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, which it may stop and start at will (never the
    shared one on 6379)."""
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_endpoint(receiver: Receiver) -> Callable[..., Endpoint]:
    def make(path: str = "/hook", **fields: Any) -> Endpoint:
        fields.setdefault("name", path.strip("/") or "hook")
        return Endpoint.objects.create(url=receiver.url + path, **fields)

    return make
