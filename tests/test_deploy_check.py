"""Production settings pass Django's deployment checklist with zero findings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra: str) -> dict[str, str]:
    dropped = {"DEBUG", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # test-only switches
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="desk.example.com",
        EMAIL_URL="smtp+tls://desk:secret@mail.example.com:587",
    )
    env.update(extra)
    return env


def run_python(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter with Django set up under ``env``'s settings."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "servicedesk.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_pages_carry_a_strict_content_security_policy():
    show = (
        "from django.conf import settings; from django.utils.csp import build_policy;"
        "print(build_policy(settings.SECURE_CSP)); print(settings.MIDDLEWARE)"
    )
    result = manage("shell", "--no-imports", "-c", show, env=production_env())

    assert result.returncode == 0, result.stderr
    policy, middleware = result.stdout.splitlines()[-2:]
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in middleware
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # the nonce is added per response
    assert directives["object-src"] == directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy


def test_report_only_mode_sends_the_same_policy_without_enforcing_it():
    show = (
        "from django.conf import settings; from django.utils.csp import build_policy;"
        "print(repr(build_policy(settings.SECURE_CSP)));"
        "print(build_policy(settings.SECURE_CSP_REPORT_ONLY))"
    )
    env = production_env(CSP_REPORT_ONLY="1", CSP_REPORT_URI="https://csp.example.com/r")
    result = manage("shell", "--no-imports", "-c", show, env=env)

    assert result.returncode == 0, result.stderr
    enforced, report_only = result.stdout.splitlines()[-2:]
    assert enforced == "''"  # no Content-Security-Policy header
    assert "script-src 'self'" in report_only
    assert report_only.endswith("report-uri https://csp.example.com/r")
