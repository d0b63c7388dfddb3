"""EMAIL_URL in any of django-environ's schemes gives a mailer that sends: each backend
gets only the options it takes (SMTP's host and password made every mail fail with
``dummymail://``)."""

import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMessage, mailers

from servicedesk.settings import mailer_from_url
from tests.test_deploy_check import production_env, run_python

ROOT = Path(__file__).resolve().parent.parent


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for one message: greets, says yes, keeps what DATA sends."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.received.append(data)  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def send_one() -> None:
    message = EmailMessage("Test", "Body", "desk@example.com", ["agent@example.com"])
    assert mailers["default"].send_messages([message]) == 1


@pytest.mark.parametrize("url", ["consolemail://", "memorymail://", "dummymail://"])
def test_backends_without_options_send(url, settings, capsys):
    config = mailer_from_url(url)
    assert config["OPTIONS"] == {}
    settings.MAILERS = {"default": config}
    send_one()
    if url == "consolemail://":
        assert "Subject: Test" in capsys.readouterr().out
    if url == "memorymail://":
        assert mail.outbox[-1].subject == "Test"


def test_the_file_backend_gets_its_folder_only(settings, tmp_path):
    config = mailer_from_url(f"filemail://{tmp_path}/mail")
    assert config["OPTIONS"] == {"file_path": f"{tmp_path}/mail"}
    settings.MAILERS = {"default": config}
    send_one()
    [written] = (tmp_path / "mail").iterdir()
    assert b"Subject: Test" in written.read_bytes()


def test_smtp_gets_every_option(settings, smtp_server):
    port = smtp_server.server_address[1]
    config = mailer_from_url(f"smtp://127.0.0.1:{port}")
    assert set(config["OPTIONS"]) == {
        "host",
        "port",
        "username",
        "password",
        "use_tls",
        "use_ssl",
        "timeout",
    }
    settings.MAILERS = {"default": config}
    send_one()
    assert b"Subject: Test" in smtp_server.received[0]  # type: ignore[attr-defined]


def test_production_settings_with_dummymail_send():
    """The issue's case, as production loads it: DEBUG off, EMAIL_URL=dummymail://."""
    env = production_env(EMAIL_URL="dummymail://")
    script = (
        "from django.core.mail import send_mail\n"
        "print(send_mail('Test', 'Body', 'desk@example.com', ['agent@example.com']))\n"
    )
    result = run_python(script, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
