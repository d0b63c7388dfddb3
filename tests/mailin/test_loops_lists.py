"""A mailing list's or newsletter's mail without a Precedence header (Google Groups, most
newsletters) is bulk mail all the same: it may open an incident, never draws an answer."""

import pytest

from incidents.models import Incident
from mailin.models import MailStatus, Outcome
from tests.mailin.mails import build, sent_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "headers",
    [
        {"List_Id": "IT announcements <it-news.example.com>"},
        {"List_Unsubscribe": "<https://news.example.com/unsubscribe?u=1>"},
    ],
    ids=["list-id", "list-unsubscribe"],
)
def test_list_mail_opens_an_incident_without_acknowledging_it(receive, caller, headers):
    inbound = receive(build(subject="Maintenance tonight", **headers))

    assert (inbound.status, inbound.outcome, inbound.replied) == (
        MailStatus.PROCESSED,
        Outcome.CREATED,
        False,
    )
    assert "Not acknowledged: bulk or list mail" in inbound.reason
    assert Incident.objects.count() == 1
    assert sent_to("carl@example.com") == []


def test_an_unknown_list_sender_is_not_refused_by_mail(receive, settings):
    settings.MAIL_UNKNOWN_SENDERS = "refuse"
    inbound = receive(build(frm="news@shop.example", List_Id="<offers.shop.example>"))

    assert (inbound.status, inbound.replied) == (MailStatus.REJECTED, False)
    assert sent_to("news@shop.example") == []
