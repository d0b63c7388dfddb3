"""A real IMAP server for the tests: Debian's dovecot (``.ci/run`` installs
``dovecot-imapd``), started with a throwaway configuration in a temporary directory, one
mail user from a static file, maildirs beside it, plain IMAP on a loopback port from
``TEST_PORT_RANGE``, and stopped afterwards. Nothing of the machine's own dovecot setup
(``/etc/dovecot``) is read."""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from imap_tools import BaseMailBox, MailBoxUnencrypted

from tests.services import free_port, stop_process_group

DOVECOT = Path("/usr/sbin/dovecot")
USER, PASSWORD = "desk", "desk-secret"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
last_valid_uid = 0
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    """Plain IMAP (and STARTTLS) on ``port``, IMAP over TLS on ``tls_port``, with a
    self-signed certificate for 127.0.0.1 (``ca_file``) made at start."""

    root: Path
    port: int
    tls_port: int
    capabilities: str = ""
    """What the server says it can do once logged in (``imap_capability``); empty: all."""
    process: subprocess.Popen | None = None

    @property
    def ca_file(self) -> Path:
        return self.root / "cert.pem"

    def url(self, folder: str = "INBOX", scheme: str = "imap") -> str:
        port = self.tls_port if scheme == "imaps" else self.port
        return f"{scheme}://{USER}:{PASSWORD}@127.0.0.1:{port}/{folder}"

    @contextmanager
    def client(self, folder: str = "INBOX") -> Iterator[BaseMailBox]:
        with MailBoxUnencrypted("127.0.0.1", self.port, timeout=10) as box:
            box.login(USER, PASSWORD, initial_folder=None)
            if not box.folder.exists(folder):
                box.folder.create(folder)
            box.folder.set(folder)
            yield box

    def append(self, *mails: bytes, folder: str = "INBOX") -> None:
        with self.client(folder) as box:
            for raw in mails:
                box.append(raw, folder)

    def count(self, folder: str) -> int:
        with self.client(folder) as box:
            return len(box.uids("ALL"))

    def message_ids(self, folder: str) -> list[str]:
        with self.client(folder) as box:
            return [
                message.headers.get("message-id", ("",))[0].strip()
                for message in box.fetch(headers_only=True, mark_seen=False, bulk=True)
            ]

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        if not DOVECOT.exists():
            pytest.fail("dovecot is not installed (.ci/run installs dovecot-imapd)")
        # As root (CI), dovecot will not serve mail as uid 0: the mail belongs to its own
        # unprivileged user. Otherwise everything runs as the current user.
        if os.geteuid() == 0:
            mail = pwd.getpwnam("dovecot")
            uid, gid, login_user = mail.pw_uid, mail.pw_gid, "dovenull"
        else:
            me = pwd.getpwuid(os.geteuid())
            uid, gid, login_user = me.pw_uid, me.pw_gid, me.pw_name
        internal = pwd.getpwuid(uid)
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", uid, gid)
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(self.root / "key.pem"),
             "-out", str(self.ca_file)],
            capture_output=True, timeout=30, check=True,
        )  # fmt: skip
        config = self.root / "dovecot.conf"
        extra = f"imap_capability = {self.capabilities}\n" if self.capabilities else ""
        config.write_text(
            extra
            + CONFIG.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                uid=uid,
                gid=gid,
                login_user=login_user,
                internal_user=internal.pw_name,
                internal_group=grp.getgrgid(internal.pw_gid).gr_name,
            )
        )
        self.process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "stderr").open("wb"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with self.client():
                    return
            except OSError:
                time.sleep(0.1)
        stderr = (self.root / "stderr").read_text(errors="replace")
        pytest.fail(f"dovecot did not start on port {self.port}:\n{stderr}\n{self.log()}")

    def stop(self) -> None:
        stop_process_group(self.process)


@contextmanager
def running_dovecot(capabilities: str = "") -> Iterator[Dovecot]:
    """Started, and at the end stopped and removed. The directory is outside pytest's
    tmp_path: as root, dovecot's own user must reach the maildirs in it."""
    root = Path(tempfile.mkdtemp(prefix="dovecot-"))
    root.chmod(0o755)
    plain = free_port()
    # free_port only checks a port: hold the first while choosing the second.
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", plain))
        tls = free_port()
    server = Dovecot(root, plain, tls, capabilities)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def make_mail(
    *,
    subject: str,
    body: str = "Hello,\n\nit does not work.\n",
    sender: str = "carl@example.com",
    to: str = "desk@example.com",
    message_id: str | None = None,
    **headers: str,
) -> bytes:
    """A plain-text mail as a client sends it (CRLF line ends); ``headers`` by their
    Python names (``In_Reply_To="<...>"``)."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import formatdate, make_msgid

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate()
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes(policy=SMTP)
