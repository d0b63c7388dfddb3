"""The agents' "Inbound mail" log: every mail with its result, searchable and filtered,
the raw mail as a download, "retry" for failed ones; and what a sender wrote is shown as
text everywhere, never as markup."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from incidents.models import Incident
from mailin.models import DeskAddress, InboundMail, MailStatus, Outcome
from tests.admin.conftest import client_for
from tests.mailin.mails import build

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
LOG = reverse("admin:mailin_inboundmail_changelist")


@pytest.fixture
def agent_client(agent: User) -> Client:
    return client_for(agent)


def test_the_log_lists_every_mail_with_its_result(receive, caller, agent_client, incident):
    receive(build(subject="Printer jammed"))
    receive(build(subject="Away", Auto_Submitted="auto-replied"))
    page = agent_client.get(LOG).content.decode()
    assert "Printer jammed" in page and "Away" in page
    assert "Incident created" in page and "Ignored" in page
    assert Incident.objects.get(title="Printer jammed").number in page

    ignored = agent_client.get(LOG, {"status__exact": MailStatus.IGNORED}).content.decode()
    assert "Away" in ignored and "Printer jammed" not in ignored
    found = agent_client.get(LOG, {"q": "printer"}).content.decode()
    assert "Printer jammed" in found and "Away" not in found


def test_agents_download_the_raw_mail_and_callers_cannot(receive, caller, agent_client):
    raw = build(subject="Printer jammed")
    inbound = receive(raw)
    url = reverse("admin:mailin_inboundmail_raw", args=[inbound.pk])
    response = agent_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == raw
    assert client_for(caller).get(url).status_code == 302  # to the login page


def test_retry_processes_a_failed_mail_again(receive, incident, agent_client):
    hal = User.objects.create_user("hal", email="hal@example.com", is_staff=True)
    hal.user_permissions.add(Permission.objects.get(codename="view_incident"))
    failed = receive(build(frm="hal@example.com", subject=f"[{incident.number}] on it"))
    assert failed.status == MailStatus.FAILED
    page = agent_client.get(LOG, {"status__exact": MailStatus.FAILED}).content.decode()
    assert "MoveForbidden" in page

    hal.user_permissions.add(Permission.objects.get(codename="change_incident"))
    response = agent_client.post(
        LOG, {"action": "retry", "_selected_action": [failed.pk]}, follow=True
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.status, failed.outcome) == (MailStatus.PROCESSED, Outcome.COMMENT)
    assert "1 mail(s) processed again." in response.content.decode()


def test_a_processed_mail_is_not_retried(receive, caller, agent_client):
    done = receive(build())
    response = agent_client.post(
        LOG, {"action": "retry", "_selected_action": [done.pk]}, follow=True
    )
    assert "only failed or rejected mail is retried" in response.content.decode()
    assert InboundMail.objects.get().attempts == 1
    assert Incident.objects.count() == 1


def test_a_senders_markup_is_shown_as_text(receive, caller, agent_client):
    inbound = receive(build(subject=f"Help {SCRIPT}", body=f"Body {SCRIPT}"))
    incident = Incident.objects.get()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    pages = [
        agent_client.get(LOG),
        agent_client.get(reverse("admin:mailin_inboundmail_change", args=[inbound.pk])),
        agent_client.get(reverse("admin:incidents_incident_change", args=[incident.pk])),
        client_for(caller).get(reverse("portal:incident", args=[incident.number])),
    ]
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert SCRIPT not in page
        assert escaped in page


def test_the_log_costs_the_same_queries_for_many_mails(receive, caller, agent_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert agent_client.get(LOG).status_code == 200
        return len(captured)

    receive(build(subject="one"))
    queries()  # the session's first request writes it
    few = queries()
    for n in range(6):
        receive(build(subject=f"more {n}"))
    assert queries() == few


def test_managers_set_up_desk_addresses_and_agents_only_see_them(
    manager, agent_client, service, team
):
    add = reverse("admin:mailin_deskaddress_add")
    response = client_for(manager).post(
        add,
        {
            "address": "Network@Example.com",
            "service": service.pk,
            "assignment_group": team.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert DeskAddress.objects.get().address == "network@example.com"
    assert agent_client.get(add).status_code == 403
    listing = agent_client.get(reverse("admin:mailin_deskaddress_changelist"))
    assert "network@example.com" in listing.content.decode()
