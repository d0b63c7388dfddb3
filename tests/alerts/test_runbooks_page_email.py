"""The mail that pages someone about an alert's incident links its first runbook, found
when the mail is sent: the text and the HTML part both carry it, and the notification row
(which the delivery log shows and webhooks read) does not."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from alerts.intake import receive
from alerts.models import AlertGroup, Runbook
from kernel.notices import NoticeKind
from notifications.channels import send_email
from notifications.enums import Channel
from notifications.models import Notification
from oncall.models import EscalationLevel, EscalationPolicy
from tests.alerts.conftest import am_alert, am_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def paging_policy(team, agent, service):
    policy = EscalationPolicy.objects.create(name="Alerts", team=team, page_priorities=[1])
    policy.services.add(service)
    EscalationLevel.objects.create(
        policy=policy, position=0, user=agent, delay=timedelta(minutes=5)
    )
    return policy


def disk_full(integration, **annotations):
    alert = am_alert("db-1", name="DiskFull")
    alert["annotations"].update(annotations)
    receipt = receive(integration, json.dumps(am_body(alert)).encode())
    return AlertGroup.objects.get(incident__number=receipt.opened[0]).incident


def sent(row):
    send_email(row, EmailBackend())
    message = mail.outbox[-1]
    return message.body, str(message.alternatives[0].content)


def page_row(incident, user):
    return Notification.objects.get(
        kind=NoticeKind.PAGE, channel=Channel.EMAIL, recipient=user, payload__number=incident.number
    )


def test_the_page_email_links_the_first_runbook(
    settings, integration, paging_policy, agent, service
):
    settings.SITE_URL = "https://desk.example.com"
    disk = Runbook.objects.create(title="Disk full", body="df -h", alert_names=["DiskFull"])
    Runbook.objects.create(title="All of mail", body="x").services.set([service])
    incident = disk_full(integration)

    text, html = sent(page_row(incident, agent))

    link = f"https://desk.example.com/admin/alerts/runbook/{disk.pk}/read/"
    assert f"Runbook: Disk full: {link}\n" in text
    assert f'<a href="{link}">Runbook: Disk full</a>' in html
    assert "All of mail" not in text + html  # the first one only


def test_a_runbook_written_after_the_page_is_queued_is_linked(integration, paging_policy, agent):
    incident = disk_full(integration)
    row = page_row(incident, agent)
    disk = Runbook.objects.create(title="Disk full", body="df -h", alert_names=["DiskFull"])

    text, _ = sent(row)

    assert f"/admin/alerts/runbook/{disk.pk}/read/" in text
    row.refresh_from_db()
    assert "runbook" not in json.dumps(row.payload) + row.body + row.url


def test_without_a_runbook_the_alerts_own_address_is_linked(integration, paging_policy, agent):
    incident = disk_full(integration, runbook_url="https://wiki.example/disk")

    text, html = sent(page_row(incident, agent))

    assert "Runbook: DiskFull (from the alert): https://wiki.example/disk\n" in text
    assert '<a href="https://wiki.example/disk">Runbook: DiskFull (from the alert)</a>' in html


def test_no_runbook_no_line(integration, paging_policy, agent):
    incident = disk_full(integration)

    text, html = sent(page_row(incident, agent))

    assert "Runbook" not in text + html


def test_other_notices_carry_no_runbook(integration, paging_policy, agent, other_agent, team):
    Runbook.objects.create(title="Disk full", body="df -h", alert_names=["DiskFull"])
    incident = disk_full(integration)
    rows = Notification.objects.filter(channel=Channel.EMAIL, payload__number=incident.number)
    others = rows.exclude(kind=NoticeKind.PAGE)
    assert others.exists()

    for row in others:
        text, html = sent(row)
        assert "Runbook" not in text + html, row.kind
