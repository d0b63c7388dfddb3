"""What a received mail becomes: an incident, a comment, a work note, or a recorded
refusal (docs/mail.md#routing). ``mail_process`` is the one function that decides;
``mail_retry`` runs it again for a mail that failed or was rejected."""

import email
import email.policy
import logging
import re
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from accounts.models import User
from incidents.attachments import check_upload, incident_attach, incident_keep_original
from incidents.models import Incident, Source
from incidents.workflow import incident_add_note, incident_create, incident_move
from kernel.errors import MoveInvalid, WorkflowError
from mailin import loops
from mailin.body import Body, MailFile, read_body
from mailin.limits import over_rate_limit, refuse, refused_lately
from mailin.models import DeskAddress, InboundMail, MailStatus, Outcome, Via
from mailin.quotes import below_reply
from mailin.routing import answers_work_note, desk_address_for, find_thread
from mailin.senders import create_end_user, find_user, header, our_addresses, sender_of

logger = logging.getLogger(__name__)

TITLE_MAX = 200
# Descriptions and notes hold at most this much (kernel.models.Ticket.description); the
# whole mail stays in original.eml.
TEXT_MAX = 50_000
CUT = "\n\n[Cut here: the whole mail is in original.eml.]"
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_TAGS = re.compile(r"\[INC\d{7,}\]\s*", re.IGNORECASE)
# A forward's subject (English, German "WG", French "TR", Spanish "RV"): the forwarded
# mail below is the report itself ("see below: the backup failed again").
_FORWARD = re.compile(r"^\s*((re|aw|sv)\s*:\s*)*(fwd?|wg|tr|rv)\s*:", re.IGNORECASE)
# A reply's subject: "Re:", German "AW:", Scandinavian "SV:"/"VS:", "Re[2]:".
_REPLY = re.compile(r"^\s*(re|aw|sv|vs)\s*(\[\d+\])?\s*:", re.IGNORECASE)
# Between a new incident's reply text and what the mail quoted (``_reported``).
QUOTED = "\n\n---------- Quoted in the mail ----------\n\n"


class NotRetryable(Exception):
    """Only a failed or rejected mail is processed again."""


@dataclass
class Result:
    """What became of one mail, as ``InboundMail`` records it."""

    status: str
    reason: str = ""
    outcome: str = Outcome.NONE
    incident: Incident | None = None
    replied: bool = False
    sender: User | None = None
    notes: list[str] = field(default_factory=list)
    """What else happened on the way (a refused file, an unreadable part)."""


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def mail_process(inbound: InboundMail) -> InboundMail:
    """Decide what ``inbound`` becomes and record it, in one transaction with what it
    created. Never raises for the mail's sake: a bug or a refusal of the workflow is
    stored as failed with the error, and an agent can retry it (``mail_retry``). Raises
    only when the database itself fails (the mail stays received; the route retries)."""
    try:
        with transaction.atomic():
            # The same mail delivered by both routes at once: the second waits here and
            # then finds it processed.
            current = InboundMail.objects.select_for_update().get(pk=inbound.pk)
            if current.status != MailStatus.RECEIVED:
                return current
            result = _route(current)
            _record(current, result)
        return current
    except (OperationalError, InterfaceError):
        # The database failed, not the mail (a lock that did not come, a lost
        # connection): rolled back, the mail is still received, and the route keeps it
        # and delivers it again.
        raise
    except Exception as exc:
        logger.exception("Inbound mail %s failed", inbound.pk)
        return _record_failure(inbound, exc)


def mail_retry(inbound: InboundMail, *, by: User) -> InboundMail:
    """Process a failed or rejected mail again, as if it had just arrived (the admin's
    "retry" action)."""
    with transaction.atomic():
        current = InboundMail.objects.select_for_update().get(pk=inbound.pk)
        if not current.may_retry:
            raise NotRetryable(
                f"Mail {current.pk} is {current.get_status_display().lower()}: "
                "only failed or rejected mail is retried."
            )
        logger.info("Inbound mail %s retried by %s", current.pk, by)
        current.status = MailStatus.RECEIVED
        current.via = Via.RETRY
        current.reason = current.outcome = ""
        current.save(update_fields=["status", "via", "reason", "outcome"])
    try:
        return mail_process(current)
    except (OperationalError, InterfaceError) as exc:
        # No route delivers a retried mail again: left received, no one would see it.
        return _record_failure(current, exc)


def _record(current: InboundMail, result: Result) -> None:
    current.status = result.status
    current.reason = "; ".join(filter(None, [result.reason, *result.notes]))
    current.outcome = result.outcome
    current.incident = result.incident
    current.replied = result.replied
    current.sender = result.sender
    current.processed_at = timezone.now()
    current.attempts += 1
    current.save()


def _record_failure(inbound: InboundMail, exc: Exception) -> InboundMail:
    with transaction.atomic():
        current = InboundMail.objects.select_for_update().get(pk=inbound.pk)
        if current.status == MailStatus.RECEIVED:
            current.status = MailStatus.FAILED
            current.reason = f"{type(exc).__name__}: {exc}"[:2000]
            current.processed_at = timezone.now()
            current.attempts += 1
            current.save(update_fields=["status", "reason", "processed_at", "attempts"])
    return current


# --- routing ---------------------------------------------------------------------------


def _route(current: InboundMail) -> Result:
    with current.raw.open("rb") as handle:
        raw = handle.read()
    message = parse(raw)
    subject = header(message, "Subject")
    sender = sender_of(message)
    current.subject = subject[:300]
    current.from_address = sender.addr_spec.lower()[:320] if sender else ""
    if sender is None:
        return Result(
            MailStatus.REJECTED,
            "The mail has no sender address (From) we can read: none, several, or a malformed one.",
        )
    address = current.from_address
    ours = our_addresses()
    if ours.is_own(address):
        return Result(
            MailStatus.IGNORED,
            f"From our own address {address}: never processed or answered (a mail loop).",
        )
    traits = loops.traits(message)
    user = find_user(address)
    thread = find_thread(message, subject, own=ours.own)
    if thread is not None:
        # Its state read under the row lock: an agent's close (or the nightly one) at the
        # same moment waits for this mail, or this mail for it and then sees it closed.
        # Read without the lock, a resolved incident closed meanwhile refused the comment
        # and the caller's reply failed.
        locked = Incident.objects.select_for_update(of=("self",)).get(pk=thread.incident.pk)
        thread = replace(thread, incident=locked)
    if thread is not None and not thread.incident.is_finished:
        return _answer(current, raw, message, thread.incident, thread.how, user, traits)
    if traits.answers_us:
        where = (
            f"{thread.incident.number} is {thread.incident.get_status_display().lower()}"
            if thread is not None
            else "it answers no incident"
        )
        why = traits.no_reply_reason()
        return Result(MailStatus.IGNORED, f"{why[:1].upper()}{why[1:]}: {where}.")
    previous = thread.incident if thread is not None else None
    desk = desk_address_for(message, ours.desks)
    return _open(current, raw, message, subject, sender, user, traits, previous, desk)


def _answer(
    current: InboundMail,
    raw: bytes,
    message: EmailMessage,
    incident: Incident,
    how: str,
    user: User | None,
    traits: loops.Traits,
) -> Result:
    """A reply to an open (or resolved) incident: the caller's or an agent's comment, or
    anyone else's work note, which the caller never sees. The caller's own reply to a
    resolved incident also reopens it."""
    body = read_body(message)
    text = clip(body.text.strip() or "(The mail had no text.)", TEXT_MAX - 400)
    result = Result(MailStatus.PROCESSED, f"Threaded by {how}.", incident=incident, sender=user)
    result.notes.extend(body.problems)
    # A robot's answer is never a comment, even from the caller's own address: an "out of
    # office" must not resume an incident awaiting the caller.
    speaks = user is not None and not traits.answers_us
    requester = user is not None and incident.is_requester(user)
    if speaks and user is not None and user.is_agent and answers_work_note(message):
        incident_add_note(incident, by=user, body=text, internal=True)
        result.outcome = Outcome.WORK_NOTE
        result.notes.append("An agent's answer to a work note: a work note")
        if body.files:
            # Added files are shown to the caller; these stay with the desk.
            result.notes.append("Its files are kept in original.eml only")
    elif speaks and user is not None and (requester or user.is_agent):
        incident_add_note(incident, by=user, body=text, internal=False)
        result.outcome = Outcome.COMMENT
        _attach(incident, user, body, result)
        if requester and not traits.automatic:
            _reopen_if_resolved(incident, user, result)
    else:
        what = f" ({traits.no_reply_reason()})" if traits.answers_us else ""
        incident_add_note(
            incident, by=None, body=f"From {current.from_address}{what}:\n\n{text}", internal=True
        )
        result.outcome = Outcome.WORK_NOTE
        if body.files:
            result.notes.append("Files from outside the incident are kept in original.eml only")
    incident_keep_original(incident, by=user, stored=str(current.raw.name), size=len(raw))
    return result


def _reopen_if_resolved(incident: Incident, user: User, result: Result) -> None:
    """The caller's (or their delegate's) reply to a resolved incident rejects the fix,
    as the portal's "still broken" does, through the same move: any reply, a bare
    "thanks" included (docs/mail.md#replies-to-a-resolved-incident)."""
    if incident.status not in Incident.moves.get("reopen").sources:
        return
    who = "the caller" if incident.caller_id == user.pk else f"{user}, for the caller"
    try:
        incident_move(
            incident, "reopen", by=user, reason=f"Reopened by a reply by mail from {who}."
        )
    except WorkflowError as exc:
        # Reopened meanwhile, or refused by a rule: the comment stands, the log says why.
        result.notes.append(f"Not reopened: {exc.message}")
        return
    result.notes.append(f"Reopened {incident.number}: a reply to a resolved incident")


def _open(
    current: InboundMail,
    raw: bytes,
    message: EmailMessage,
    subject: str,
    sender: Address,
    user: User | None,
    traits: loops.Traits,
    previous: Incident | None,
    desk: DeskAddress | None,
) -> Result:
    """A new incident, or a follow-up of a finished one, unless the sender is unknown and
    refused or over the rate limit. ``desk``: the desk address it was sent to, if any."""
    address = current.from_address
    silent = traits.no_reply_reason()
    if user is None and settings.MAIL_UNKNOWN_SENDERS == "refuse":
        # One answer an hour per sender: a forged From would otherwise have us mail a
        # victim once per mail, and an auto-responder that ignores Auto-Submitted would
        # answer each answer.
        silent = silent or refused_lately(address)
        replied = not silent and refuse(current, address)
        why = "Unknown sender: MAIL_UNKNOWN_SENDERS is refuse"
        reason = why if replied else f"{why}; not answered: {silent}"
        return Result(MailStatus.REJECTED, reason, replied=replied)
    over = over_rate_limit(address)
    if over:
        return Result(MailStatus.REJECTED, over, sender=user)
    if user is None:
        user = create_end_user(sender)
    body = read_body(message)
    link = ""
    if previous is not None:
        state = previous.get_status_display().lower()
        link = (
            f"This follows up {previous.number}, which is {state}: a reply to a finished "
            "incident opens a new one."
        )
    text = _reported(message, subject, body, follow_up=previous is not None)
    description = clip(f"{link}\n\n{text}".strip() if link else text, TEXT_MAX)
    incident = incident_create(
        by=user,
        title=title_of(subject),
        description=description,
        source=Source.EMAIL,
        caller=user,
        service=desk.service if desk else None,
        assignment_group=desk.assignment_group if desk else None,
        note=link,
        acknowledge=not silent,
    )
    result = Result(
        MailStatus.PROCESSED,
        f"Follow-up of {previous.number}." if previous is not None else "",
        outcome=Outcome.FOLLOW_UP if previous is not None else Outcome.CREATED,
        incident=incident,
        replied=not silent and bool(user.email),
        sender=user,
    )
    if silent:
        result.notes.append(f"Not acknowledged: {silent}")
    result.notes.extend(body.problems)
    _attach(incident, user, body, result)
    incident_keep_original(incident, by=user, stored=str(current.raw.name), size=len(raw))
    return result


def _reported(message: EmailMessage, subject: str, body: Body, *, follow_up: bool) -> str:
    """A new incident's description from the mail (docs/mail.md#text-and-quotes)."""
    full = body.full.strip()
    # A forwarded mail opening an incident is what the reporter wants us to read, not
    # quoted history: reading only the words above it would leave "see below".
    if _FORWARD.match(subject) and full:
        return full
    # A reply that answers no incident we know: what it quotes is the only context the
    # desk gets (a follow-up links the finished incident instead).
    if follow_up or not (_REPLY.match(subject) or header(message, "In-Reply-To")):
        return body.text
    rest = below_reply(full, body.text)
    return f"{body.text}{QUOTED}{rest}" if rest else body.text


def clip(text: str, most: int) -> str:
    """``text``, cut to ``most`` characters with a line saying so."""
    if len(text) <= most:
        return text
    return text[: most - len(CUT)].rstrip() + CUT


def title_of(subject: str) -> str:
    """The subject without reply prefixes and ticket tags: "Re: [INC0000001] VPN" is
    about the VPN."""
    title = _TAGS.sub("", _REPLY_PREFIX.sub("", subject)).strip()
    return (title or "(no subject)")[:TITLE_MAX]


def _attach(incident: Incident, user: User, body: Body, result: Result) -> None:
    """The mail's files through the portal's checks: a refused one is named in the
    record, the others are added (the original keeps them all)."""
    accepted = []
    for item in body.files:
        checked = check_upload(_upload(item))
        if isinstance(checked, str):
            result.notes.append(checked)
        else:
            accepted.append(checked.upload)
    if not accepted:
        return
    try:
        with transaction.atomic():
            incident_attach(incident, by=user, files=accepted)
    except MoveInvalid as exc:
        result.notes.extend(str(error) for errors in exc.errors.values() for error in errors)


def _upload(item: MailFile) -> SimpleUploadedFile:
    return SimpleUploadedFile(item.name or "file", item.data, item.content_type)
