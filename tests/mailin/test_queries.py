"""What processing one mail costs the database: the desk's addresses (the own-address
check, plus-address threading, desk routing) are read once, and the whole count is
pinned so that a new per-mail query is a decision, not an accident."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from catalog.models import Service, Team
from incidents.models import Incident, Status
from mailin.models import DeskAddress, InboundMail, Outcome, Via
from mailin.receive import mail_receive
from tests.mailin.mails import build, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[[bytes], tuple[InboundMail, list[str]]]:
    """``counted(raw)``: the mail through ``mail_receive`` and the statements it ran. What
    its commit sends (the notifications relay) runs after the count: that is the outbox's
    cost, not the mail's."""

    # Read once per process (Django caches content types): a worker has it after its
    # first mail, and the count must not depend on which test ran first.
    ContentType.objects.get_for_model(Incident)

    def run(raw: bytes) -> tuple[InboundMail, list[str]]:
        # The count stops before the callbacks run (contexts exit in reverse order).
        with (
            django_capture_on_commit_callbacks(execute=True),
            CaptureQueriesContext(connection) as queries,
        ):
            inbound = mail_receive(raw, via=Via.IMAP)
        return inbound, [query["sql"] for query in queries.captured_queries]

    return run


def desk_reads(statements: list[str]) -> int:
    return sum('FROM "mailin_deskaddress"' in sql for sql in statements)


def test_a_new_incident_by_mail_reads_the_desk_addresses_once(
    counted, caller: User, service: Service, team: Team
) -> None:
    DeskAddress.objects.create(
        address="network@example.com", service=service, assignment_group=team
    )
    DeskAddress.objects.create(address="old@example.com", is_active=False)

    inbound, statements = counted(build(to="Network <network@example.com>", subject="Wifi down"))

    incident = Incident.objects.get()
    assert inbound.outcome == Outcome.CREATED
    assert (incident.service, incident.assignment_group) == (service, team)
    [ack] = sent_to("carl@example.com")
    assert ack.subject == f"[{incident.number}] Wifi down: logged"
    assert desk_reads(statements) == 1
    # Store the mail, lock it, its sender, the rate limit, the incident with its history,
    # timeline, notices, SLA and paging, its original, the mail's record.
    assert len(statements) == 27


def test_a_reply_reads_the_desk_addresses_once(counted, incident: Incident) -> None:
    inbound, statements = counted(
        build(to=f"desk+{incident.number}@example.com", subject="Any news?", body="Still down")
    )

    assert (inbound.outcome, inbound.incident) == (Outcome.COMMENT, incident)
    assert desk_reads(statements) == 1
    # One of them locks the incident it threads to (an agent's close at the same moment).
    assert len(statements) == 23


def test_our_own_mail_from_an_inactive_desk_address_is_ignored_after_one_read(counted) -> None:
    DeskAddress.objects.create(address="old@example.com", is_active=False)

    inbound, statements = counted(build(frm="old@example.com", subject="Loop"))

    assert inbound.outcome == Outcome.NONE and "our own address" in inbound.reason
    assert not Incident.objects.exists()
    assert desk_reads(statements) == 1


def test_a_reply_that_reopens_reads_the_desk_addresses_once(
    counted, incident_in, caller: User
) -> None:
    resolved = incident_in(Status.RESOLVED)

    inbound, statements = counted(
        build(to=f"desk+{resolved.number}@example.com", subject="Re: resolved", body="No!")
    )

    resolved.refresh_from_db()
    assert (inbound.outcome, resolved.status, resolved.reopen_count) == (
        Outcome.COMMENT,
        Status.IN_PROGRESS,
        1,
    )
    assert desk_reads(statements) == 1
    # The reply's 23, then the reopen move's own, as from the portal: lock, update,
    # history, timeline, notices, paging and SLA clocks.
    assert len(statements) == 42
