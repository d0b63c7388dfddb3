"""The systemd units in deploy/ are what docs/operations.md says production runs: systemd
accepts them, each restarts whatever makes it exit, reads the settings file and runs
without privileges, and the worker runs the pool the worker tests and the benchmark run."""

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.notifications.harness import WORKER_CONCURRENCY, WORKER_POOL

ROOT = Path(__file__).resolve().parent.parent
UNITS = {
    "servicedesk-web.service": "deploy/serve.py",
    "servicedesk-worker.service": "celery -A servicedesk worker",
    "servicedesk-beat.service": "celery -A servicedesk beat",
    "servicedesk-mail-gateway.service": "manage.py mail_gateway",
}
INSTALLED_AT = "/opt/servicedesk"


def read_unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # keys are case-sensitive
    unit.read(ROOT / "deploy" / name)
    return unit


@pytest.mark.parametrize("name", UNITS)
def test_unit_restarts_reads_settings_and_is_hardened(name: str) -> None:
    unit = read_unit(name)
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"  # never gives up restarting
    assert service["EnvironmentFile"] == "/etc/servicedesk/servicedesk.env"
    assert service["User"] == "servicedesk"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["CapabilityBoundingSet"] == ""
    assert UNITS[name].split()[-1] in service["ExecStart"]
    assert f"deploy/{name}" in (ROOT / "docs" / "operations.md").read_text()


def test_worker_unit_runs_the_tested_pool() -> None:
    command = read_unit("servicedesk-worker.service")["Service"]["ExecStart"]
    assert f"--pool={WORKER_POOL}" in command
    assert f"--concurrency={WORKER_CONCURRENCY}" in command


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is not installed (apt-get install systemd)")
    # As installed, but at this checkout, so that systemd finds the commands they run.
    for name in UNITS:
        text = (ROOT / "deploy" / name).read_text().replace(INSTALLED_AT, str(ROOT))
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", *sorted(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "", result.stderr
