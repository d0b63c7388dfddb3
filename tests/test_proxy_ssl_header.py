"""X-Forwarded-Proto is believed only where a proxy we trust sets it: without
TRUSTED_PROXY_SSL_HEADER a client claiming https is still on http (and redirected);
with it (deploy/serve.py sets it for its own nginx) the claim stands."""

from pathlib import Path

from django.test import Client

from tests.test_deploy_check import production_env, run_python

ROOT = Path(__file__).resolve().parent.parent


def test_without_the_setting_a_client_cannot_claim_https(settings):
    assert settings.TRUSTED_PROXY_SSL_HEADER is False
    assert getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is None
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/status/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/status/"


def test_with_the_setting_the_proxys_header_is_believed():
    env = production_env(TRUSTED_PROXY_SSL_HEADER="1")
    script = (
        "from django.test import RequestFactory\n"
        "factory = RequestFactory(headers={'host': 'desk.example.com'})\n"
        "print(factory.get('/', headers={'x-forwarded-proto': 'https'}).is_secure(),"
        " factory.get('/', headers={'x-forwarded-proto': 'http'}).is_secure())\n"
    )
    result = run_python(script, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
