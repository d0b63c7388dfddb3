"""`make run` on another port links to that port: with `PORT=8101` and no `SITE_URL`, every
process it starts (the migration, the demo's load, the periodic jobs, the server) builds
the links in mails, feeds and the printed alert endpoints on http://127.0.0.1:8101, not on
the default :8000; a `SITE_URL` in the environment still wins."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"^(?P<env>.*?)\S*python manage\.py (?P<command>\w+)")
PRINT_SITE_URL = (
    "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
)


def _site_urls(**env: str) -> dict[str, str]:
    """Each `manage.py` command of `make run` (its dry run) → the SITE_URL it would get,
    by running the same shell line with the command swapped for a settings print."""
    base = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT", "DEBUG"}}
    base.update(env, DJANGO_SETTINGS_MODULE="servicedesk.settings")
    dry_run = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, env=base, capture_output=True, text=True, check=True
    )
    found: dict[str, str] = {}
    printed: dict[str, str] = {}  # one interpreter per distinct environment prefix
    for line in dry_run.stdout.splitlines():
        for part in line.split("&"):
            match = COMMAND.match(part.strip().removeprefix("trap 'kill $!' EXIT INT TERM;"))
            if not match:
                continue
            if match["env"] not in printed:
                shell = f"{match['env']} .venv/bin/python -c '{PRINT_SITE_URL}'"
                printed[match["env"]] = subprocess.run(
                    ["sh", "-c", shell], cwd=ROOT, env=base, capture_output=True, text=True,
                    check=True,
                ).stdout.strip()  # fmt: skip
            found[match["command"]] = printed[match["env"]]
    return found


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "8101"}, "http://127.0.0.1:8101"),
        ({"PORT": "8101", "SITE_URL": "https://desk.example.com"}, "https://desk.example.com"),
    ],
)
def test_make_run_links_follow_its_port(env: dict[str, str], expected: str) -> None:
    urls = _site_urls(**env)

    assert set(urls) == {"migrate", "load_demo", "run_periodic", "runserver"}
    assert set(urls.values()) == {expected}
