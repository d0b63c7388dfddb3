"""The real logs live beside the project (``../shared/data``), never in it."""

import os
from pathlib import Path

import pytest
from django.conf import settings


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
