"""A sender opens at most MAIL_RATE_LIMIT_PER_HOUR incidents by mail in an hour; beyond
it their mail is kept as rejected with the reason, and nothing is opened or answered."""

from datetime import timedelta

import pytest
from django.core import mail

from incidents.models import Incident
from kernel.enums import TimelineKind
from mailin.models import InboundMail, MailStatus, Outcome
from tests.mailin.mails import build, sent_to

pytestmark = pytest.mark.django_db


def test_the_21st_new_incident_in_an_hour_is_rejected(receive, caller, stranger):
    for n in range(20):
        assert receive(build(subject=f"Report {n}")).outcome == Outcome.CREATED
    assert len(sent_to("carl@example.com")) == 20
    mail.outbox = []

    over = receive(build(subject="Report 21"))
    assert (over.status, over.outcome, over.incident, over.replied) == (
        MailStatus.REJECTED,
        Outcome.NONE,
        None,
        False,
    )
    assert over.reason.startswith("Rate limit: carl@example.com opened 20 incidents")
    assert Incident.objects.count() == 20
    assert mail.outbox == []

    # Replies still thread: the limit is on new incidents. Another sender is not limited.
    first = Incident.objects.order_by("pk").first()
    assert first is not None
    reply = receive(build(subject=f"[{first.number}] more"))
    assert reply.outcome == Outcome.COMMENT
    assert first.timeline.filter(kind=TimelineKind.COMMENT).count() == 1
    assert receive(build(frm="steve@example.com", subject="Mine")).outcome == Outcome.CREATED


def test_an_hour_later_the_sender_may_report_again(receive, caller, settings):
    settings.MAIL_RATE_LIMIT_PER_HOUR = 2
    for n in range(3):
        receive(build(subject=f"Report {n}"))
    assert Incident.objects.count() == 2
    an_hour_ago = InboundMail.objects.get(subject="Report 0").processed_at - timedelta(hours=1)
    InboundMail.objects.filter(subject="Report 0").update(processed_at=an_hour_ago)
    assert receive(build(subject="Report 3")).outcome == Outcome.CREATED
