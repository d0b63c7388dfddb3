"""The real logs live beside the project (``../shared/data``), never in it."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.imports import servicenow_reference as ref


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared data folder (``SERVICEDESK_DATA_DIR`` overrides it). Missing data fails
    the test loudly: a skipped import test proves nothing."""
    path = Path(
        os.environ.get("SERVICEDESK_DATA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "data"
    )
    if not path.is_dir():
        pytest.fail(f"the real logs are missing: {path} (set SERVICEDESK_DATA_DIR)")
    return path


@pytest.fixture(scope="session")
def servicenow_replayed(data_dir: Path) -> list[ref.Incident]:
    """Every incident of the ServiceNow log as the independent reference replays it: one
    pass over its 141,712 rows per test process, for every module that reads it."""
    return ref.incidents(data_dir)
