"""docs/alerts.md's copy-paste examples work as printed: its Alertmanager configuration is
one the real Alertmanager accepts, and its curl commands, run by bash against a live
server, trigger, acknowledge and resolve an incident."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from alerts.models import Alert, AlertStatus, Kind
from incidents.models import Status

DOC = Path(__file__).resolve().parents[2] / "docs" / "alerts.md"
AMTOOL = "/usr/bin/amtool"  # Debian's prometheus-alertmanager ships it beside the server


def block(language: str) -> str:
    [found] = re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(), re.DOTALL | re.MULTILINE)
    return str(found)


def test_the_alertmanager_snippet_is_a_configuration_alertmanager_accepts(tmp_path):
    assert os.access(AMTOOL, os.X_OK), "amtool is missing: apt-get install prometheus-alertmanager"
    config = tmp_path / "alertmanager.yml"
    config.write_text(block("yaml").replace("<key>", "abc").replace("<secret>", "sdalert_x"))

    done = subprocess.run(
        [AMTOOL, "check-config", str(config)], capture_output=True, text=True, timeout=30
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_the_curl_examples_trigger_acknowledge_and_resolve(live_server, make_integration):
    integration = make_integration(kind=Kind.EVENTS_V2)
    script = re.sub(
        r"^URL=.*$", f"URL={live_server.url}{integration.path}", block("sh"), flags=re.M
    )
    script = re.sub(r"^SECRET=.*$", f"SECRET={integration.secret}", script, flags=re.M)

    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    answers = done.stdout.replace("}{", "}\n{").splitlines()
    assert (
        answers
        == ['{"status": "success", "message": "Event processed", "dedup_key": "db-1/disk"}'] * 3
    )
    alert = Alert.objects.select_related("incident").get(integration=integration)
    assert alert.dedup_key == "db-1/disk"
    assert alert.summary == "Disk 95% full on db-1"
    assert alert.status == AlertStatus.RESOLVED
    assert alert.acknowledged_at is not None
    assert alert.incident.acknowledged_at is not None
    assert alert.incident.status == Status.RESOLVED
