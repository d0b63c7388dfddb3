"""Keeps the pytest-xdist workers of one run apart (``make test`` runs three).

Every worker is a process of its own with its own test database (pytest-django names it
``test_<name>_gw<N>``). What Django reads from the environment is set here, before
pytest-django loads the settings (this module is a plugin, ``-p tests.parallel`` in
pyproject's addopts, so it runs before any conftest):

- ``CELERY_BROKER_URL``: worker ``gwN`` uses the Redis database N above the one given, so
  the worker tests of one worker never empty the queue another worker's Celery worker
  reads. ``redis://127.0.0.1:6379/13`` with three workers uses databases 13, 14 and 15.
- ``TEST_PORT_RANGE``: when set, each worker takes its own slice of it, so two workers
  never pick the same free port for their servers (without it ports come from the kernel,
  which never hands one out twice).

Without xdist (``PYTEST_XDIST_WORKER`` unset) nothing changes.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest


def worker_index() -> int | None:
    """0 for xdist's ``gw0``, 1 for ``gw1``...; None outside xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def broker_url_for(url: str, index: int) -> str:
    """``url`` with its Redis database number moved up by ``index``."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return url  # not Redis: the worker tests fail on it, loudly, as without xdist
    database = int(parts.path.strip("/") or 0) + index
    return urlunsplit(parts._replace(path=f"/{database}"))


def port_range_for(ports: str, index: int, count: int) -> str:
    """Slice ``index`` of ``count`` of the ``"low-high"`` range ``ports``."""
    first, _, last = ports.partition("-")
    low, high = int(first), int(last)
    size = (high - low + 1) // count
    if size < 1:
        raise pytest.UsageError(f"TEST_PORT_RANGE={ports} is too small for {count} workers")
    start = low + index * size
    return f"{start}-{start + size - 1}"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests() -> None:
    index = worker_index()
    if index is None:
        return
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if broker := os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = broker_url_for(broker, index)
    if ports := os.environ.get("TEST_PORT_RANGE"):
        os.environ["TEST_PORT_RANGE"] = port_range_for(ports, index, count)
