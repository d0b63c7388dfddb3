"""The IMAP route in: poll the desk's mailbox, hand each message to ``mail_receive``, and
move it out of the inbox only once its row has committed (docs/mail.md#receiving).

A poll that dies anywhere (killed, the network gone, the database down) leaves every
message it had not finished in the inbox; the next poll takes them again, and
``mail_receive`` recognises those it had already stored (by Message-ID, else by a hash of
the bytes). So a message is never lost and never stored twice."""

import fcntl
import hashlib
import ipaddress
import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import MailboxMoveError
from imap_tools.utils import check_command_status, encode_folder

from mailin.models import Via
from mailin.receive import mail_receive, mail_too_big

logger = logging.getLogger(__name__)

SCHEMES = {"imaps": 993, "imap+starttls": 143, "imap": 143}


@dataclass(frozen=True)
class Mailbox:
    """Where to poll, from ``settings.MAIL_IMAP_URL`` and its neighbours."""

    scheme: str
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    failed_folder: str = "Failed"
    ca_file: str = ""
    timeout: float = 60.0

    @classmethod
    def from_url(cls, url: str, **options: str | float) -> "Mailbox":
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise ImproperlyConfigured(
                f"MAIL_IMAP_URL: the scheme must be one of {', '.join(SCHEMES)}, "
                f"not {parts.scheme!r}"
            )
        if not parts.hostname or parts.username is None:
            raise ImproperlyConfigured("MAIL_IMAP_URL needs a user and a host.")
        if parts.scheme == "imap" and not _is_loopback(parts.hostname):
            # A password and every mail in clear over a network: only for a server on
            # this host (the tests' dovecot).
            raise ImproperlyConfigured(
                "MAIL_IMAP_URL: plain imap:// only to a loopback address; use imaps:// "
                "or imap+starttls://"
            )
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=parts.port or SCHEMES[parts.scheme],
            username=unquote(parts.username),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            **options,  # type: ignore[arg-type]
        )

    @classmethod
    def from_settings(cls) -> "Mailbox":
        if not settings.MAIL_IMAP_URL:
            raise ImproperlyConfigured("Set MAIL_IMAP_URL to poll a mailbox.")
        return cls.from_url(
            settings.MAIL_IMAP_URL,
            processed_folder=settings.MAIL_IMAP_PROCESSED_FOLDER,
            failed_folder=settings.MAIL_IMAP_FAILED_FOLDER,
            ca_file=settings.MAIL_IMAP_CA_FILE,
            timeout=settings.MAIL_IMAP_TIMEOUT,
        )

    @property
    def lock_key(self) -> int:
        """One PostgreSQL advisory lock per mailbox (not per process or per host)."""
        name = f"mailin.imap:{self.username}@{self.host}:{self.port}/{self.folder}"
        return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], signed=True)

    def client(self) -> BaseMailBox:
        if self.scheme == "imap":
            return MailBoxUnencrypted(self.host, self.port, timeout=self.timeout)
        context = ssl.create_default_context(cafile=self.ca_file or None)
        if self.scheme == "imap+starttls":
            return MailBoxStartTls(self.host, self.port, timeout=self.timeout, ssl_context=context)
        return MailBox(self.host, self.port, timeout=self.timeout, ssl_context=context)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RawMessage(MailMessage):
    """A fetched message as the bytes the server sent: ``mail_receive`` parses them itself
    (policy ``default``), so imap-tools' own parse would be wasted work on a big mail."""

    raw: bytes

    def __init__(self, fetch_data: list) -> None:
        self.raw, self._raw_uid_data, self._raw_flag_data = self._get_message_data_parts(fetch_data)


@dataclass
class Poll:
    """What one poll did, for the command's output and the logs."""

    locked: bool = True
    """False: another poller held the mailbox, this one did nothing."""
    received: int = 0
    """Handed to ``mail_receive`` and moved to the processed folder."""
    set_aside: int = 0
    """Moved to the failed folder: too big, or ``mail_receive`` could not take them."""
    left: int = 0
    """Left in the inbox for the next poll (the limit per poll, or the database down)."""
    error: str = ""


@contextmanager
def mailbox_lock(mailbox: Mailbox) -> Iterator[bool]:
    """True while this session holds the mailbox: two pollers (beat firing while a slow
    poll runs, two hosts running beat) would fetch the same messages and race to move
    them. A session lock, so a poller that is killed releases it with its connection."""
    if connection.vendor != "postgresql":
        # SQLite (`make run`): one host, so a lock on a file does (the kernel drops it
        # with the process).
        with _file_lock(mailbox) as held:
            yield held
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [mailbox.lock_key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [mailbox.lock_key])
            except DatabaseError:
                # The connection is gone, and the lock with it.
                pass


@contextmanager
def _file_lock(mailbox: Mailbox) -> Iterator[bool]:
    path = Path(settings.VAR_DIR) / f"mailin-imap-{mailbox.lock_key & 0xFFFFFFFF:08x}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Mover:
    """Moves messages out of the polled folder: RFC 6851 ``MOVE`` where the server has it
    (one atomic step), else copy, flag ``\\Deleted`` and expunge only those (``UID
    EXPUNGE``, RFC 4315) — a plain ``EXPUNGE`` would also remove what a person flagged."""

    def __init__(self, box: BaseMailBox) -> None:
        self.box = box
        # imaplib keeps the greeting's list, which (dovecot's) names neither MOVE nor
        # UIDPLUS: ask again now that we are logged in.
        status, data = box.client.capability()
        words = data[0] if status == "OK" and data and isinstance(data[0], bytes) else b""
        self.capabilities = set(words.decode("ascii", "replace").upper().split())

    def move(self, uid: str, folder: str) -> None:
        # Modified UTF-7, quoted: ASCII, as imaplib sends a str.
        client, target = self.box.client, encode_folder(folder).decode("ascii")
        if "MOVE" in self.capabilities:
            check_command_status(client.uid("MOVE", uid, target), MailboxMoveError)
            return
        check_command_status(client.uid("COPY", uid, target), MailboxMoveError)
        check_command_status(client.uid("STORE", uid, "+FLAGS", r"(\Deleted)"), MailboxMoveError)
        if "UIDPLUS" in self.capabilities:
            check_command_status(client.uid("EXPUNGE", uid), MailboxMoveError)
        else:
            self.box.expunge()


def mailbox_poll(
    mailbox: Mailbox | None = None, *, limit: int | None = None, batch: int | None = None
) -> Poll:
    """Take up to ``limit`` messages from the mailbox's inbox, ``batch`` per fetch."""
    mailbox = mailbox or Mailbox.from_settings()
    limit = settings.MAIL_IMAP_MAX_PER_POLL if limit is None else limit
    batch = max(1, settings.MAIL_IMAP_BATCH if batch is None else batch)
    with mailbox_lock(mailbox) as held:
        if not held:
            return Poll(locked=False)
        with mailbox.client() as box:
            box.login(mailbox.username, mailbox.password, initial_folder=None)
            for folder in (mailbox.processed_folder, mailbox.failed_folder):
                if not box.folder.exists(folder):
                    box.folder.create(folder)
            box.folder.set(mailbox.folder)
            return _take(Mover(box), mailbox, limit, batch)


# Not the messages flagged deleted: a person's, or ours from a poll killed between the copy
# and the expunge (the copy is in the processed folder, after its row committed).
PENDING = "UNDELETED"


def _take(mover: Mover, mailbox: Mailbox, limit: int, batch: int) -> Poll:
    poll = Poll()
    box = mover.box
    box.email_message_class = RawMessage
    uids = box.uids(PENDING)[:limit]
    for start in range(0, len(uids), batch):
        chunk = uids[start : start + batch]
        # Sizes first, from the headers: a mail over the limit is never downloaded.
        fits = []
        for head in box.fetch(uid_list=chunk, headers_only=True, mark_seen=False, bulk=True):
            if head.size_rfc822 > settings.MAIL_MAX_BYTES:
                logger.warning(
                    "Mail %s is %d bytes, over MAIL_MAX_BYTES: moved to %s",
                    head.uid,
                    head.size_rfc822,
                    mailbox.failed_folder,
                )
                # Recorded from its headers, so the log shows it and where it waits.
                assert isinstance(head, RawMessage)
                mail_too_big(
                    head.raw,
                    via=Via.IMAP,
                    size=head.size_rfc822,
                    kept_in=f"the mailbox's {mailbox.failed_folder!r} folder",
                )
                mover.move(str(head.uid), mailbox.failed_folder)
                poll.set_aside += 1
            elif head.uid:
                fits.append(head.uid)
        messages = box.fetch(uid_list=fits, mark_seen=False, bulk=True) if fits else []
        if not all(_receive(mover, mailbox, message, poll) for message in messages):
            break
    poll.left = len(box.uids(PENDING))
    return poll


def _receive(mover: Mover, mailbox: Mailbox, message: MailMessage, poll: Poll) -> bool:
    """Store one message, then move it; False when the database or the storage is down
    (stop polling)."""
    assert isinstance(message, RawMessage)
    uid = str(message.uid)
    try:
        mail_receive(message.raw, via=Via.IMAP)
    except (OperationalError, InterfaceError, OSError) as exc:
        # Not stored (the database, or the disk the raw mail goes to, is unavailable): it
        # stays in the inbox. The next message would fail the same way. (Any other
        # database error is this mail's own, a bug: set aside below, or it would stop
        # every poll at this message for good.)
        logger.warning("Mail %s left in the mailbox, it could not be stored: %s", uid, exc)
        poll.error = str(exc) or type(exc).__name__
        return False
    except Exception:
        # mail_receive stores even a mail it cannot process; this one it could not store
        # at all (a bug). Set aside where a person sees it, so it does not block the rest.
        logger.exception("Mail %s could not be stored: moved to %s", uid, mailbox.failed_folder)
        mover.move(uid, mailbox.failed_folder)
        poll.set_aside += 1
        return True
    # Only now, its row committed: a poller killed before this line leaves the message in
    # the inbox, and the next poll finds its row (mail_receive is idempotent).
    mover.move(uid, mailbox.processed_folder)
    poll.received += 1
    return True
