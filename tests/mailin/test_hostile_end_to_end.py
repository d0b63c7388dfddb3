"""The hostile corpus through the one way in, end to end: every mail ends recorded (never
"failed", never left "received"), with what could not be read in its reason, and what the
sender wrote is shown as text on every page an agent or the sender opens."""

from email.message import EmailMessage
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from incidents.models import Incident
from mailin.models import InboundMail, MailStatus, Outcome
from tests.admin.conftest import client_for
from tests.mailin.mails import DESK, build

pytestmark = pytest.mark.django_db

CORPUS = sorted((Path(__file__).parent / "corpus" / "hostile").glob("*.eml"))
MB = 1024 * 1024
# What a sender's markup would run as, were it rendered: none of it may reach a page.
ACTIVE = ("<script>alert", "onerror=", "onload=", "javascript:alert", "<iframe")


def _pages(inbound: InboundMail, agent: User) -> list[str]:
    """The log's entry, the incident's page in the console and in the sender's portal."""
    agent_client = client_for(agent)
    pages = [agent_client.get(reverse("admin:mailin_inboundmail_change", args=[inbound.pk]))]
    if inbound.incident is not None:
        incident = inbound.incident
        pages.append(
            agent_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
        )
        pages.append(
            client_for(incident.caller).get(reverse("portal:incident", args=[incident.number]))
        )
    for response in pages:
        assert response.status_code == 200
    return [response.content.decode() for response in pages]


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.stem)
def test_each_hostile_mail_is_recorded_and_shown_as_text(path: Path, receive, agent):
    inbound = receive(path.read_bytes())

    assert inbound.status in (MailStatus.PROCESSED, MailStatus.REJECTED), inbound.reason
    if inbound.status == MailStatus.REJECTED:
        assert inbound.reason  # in words, for the log
    else:
        assert inbound.outcome == Outcome.CREATED
        assert inbound.incident is not None
        assert inbound.incident.attachments.filter(name="original.eml").exists()
    for page in _pages(inbound, agent):
        for active in ACTIVE:
            assert active not in page


def test_what_the_corpus_could_not_read_is_in_the_log(receive):
    reasons = {path.stem: receive(path.read_bytes()).reason for path in CORPUS}

    assert "utf-8" in reasons["latin1_declared_utf8"]
    assert reasons["bad_base64"]
    assert reasons["missing_boundary"]


def test_a_25_mb_mail_opens_its_incident_and_its_big_file_is_refused_with_the_reason(
    receive, caller, agent
):
    message = EmailMessage()
    message["From"] = caller.email
    message["To"] = DESK
    message["Subject"] = "The whole log"
    message.set_content("The log of last night is attached.\n")
    message.add_attachment(b"x" * (19 * MB), maintype="text", subtype="plain", filename="big.log")
    raw = message.as_bytes()
    assert len(raw) > 25 * 1000 * 1000

    inbound = receive(raw)

    assert inbound.status == MailStatus.PROCESSED
    incident = Incident.objects.get()
    assert incident.description == "The log of last night is attached."
    assert "big.log" in inbound.reason  # refused by the portal's size limit, and said
    assert not incident.attachments.filter(name="big.log").exists()
    assert incident.attachments.get(name="original.eml").size == len(raw)  # nothing lost


@pytest.mark.parametrize(
    ("name", "content_type", "data", "kept"),
    [
        (
            "report.pdf",
            "application/pdf",
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            True,
        ),
        ("notes.txt", "text/plain", b"Plain words.\n", True),
        ("archive.zip", "application/zip", b"PK\x03\x04" + b"\0" * 26, False),
        ("setup.pdf", "application/pdf", b"MZ\x90\x00" + b"\0" * 60, False),
        ("page.html", "text/html", b"<script>alert(1)</script>", False),
    ],
)
def test_attachments_pass_the_portals_checks_and_a_refusal_is_recorded(
    receive, caller, name, content_type, data, kept
):
    inbound = receive(build(frm=caller.email, files=((name, content_type, data),)))

    assert inbound.status == MailStatus.PROCESSED
    incident = Incident.objects.get()
    assert incident.attachments.filter(name=name).exists() is kept
    assert (name in inbound.reason) is not kept
