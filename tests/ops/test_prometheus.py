"""A real Prometheus (Debian's package) scrapes the live test server's /metrics with the
bearer token, once a second, and its query API returns the outbox backlog: the
notifications that reporting an incident queued and nobody delivered yet."""

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from notifications.enums import DeliveryStatus
from notifications.models import Notification
from tests.services import free_port

TOKEN = "prometheus-scrape-token"


@pytest.fixture
def prometheus(live_server) -> Iterator[str]:
    binary = shutil.which("prometheus")
    assert binary, "Debian's prometheus is needed (apt-get install prometheus; .ci/run does)"
    target = urlsplit(live_server.url).netloc
    root = Path(tempfile.mkdtemp(prefix="servicedesk-prometheus-"))
    config = root / "prometheus.yml"
    config.write_text(
        f"""
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: servicedesk
    metrics_path: /metrics
    authorization:
      credentials: {TOKEN}
    static_configs:
      - targets: ["{target}"]
"""
    )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={root / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def query(prometheus: str, expression: str) -> list[dict]:
    try:
        response = httpx.get(f"{prometheus}/api/v1/query", params={"query": expression})
    except httpx.TransportError:
        return []  # still starting
    return response.json()["data"]["result"]


def wait_for_value(prometheus: str, expression: str, expected: float, within: float) -> None:
    deadline = time.monotonic() + within
    result: list[dict] = []
    while time.monotonic() < deadline:
        result = query(prometheus, expression)
        if result and float(result[0]["value"][1]) == expected:
            return
        time.sleep(0.25)
    pytest.fail(f"{expression} was never {expected} within {within} s; last answer {result}")


@pytest.mark.django_db(transaction=True)
def test_prometheus_scrapes_the_outbox_backlog(settings, prometheus, live_server, make_incident):
    settings.METRICS_TOKEN = TOKEN
    assert httpx.get(f"{live_server.url}/status/").status_code == 200
    make_incident(title="Mail is down")
    make_incident(title="VPN is down")
    backlog = Notification.objects.filter(status=DeliveryStatus.PENDING).count()
    assert backlog > 0  # queued for the team, never delivered: no worker runs here

    wait_for_value(prometheus, "servicedesk_outbox_backlog", backlog, within=15)
    wait_for_value(prometheus, 'up{job="servicedesk"}', 1, within=1)
    status_page = 'servicedesk_http_request_duration_seconds_count{route="statuspage:status"}'
    assert float(query(prometheus, status_page)[0]["value"][1]) >= 1
