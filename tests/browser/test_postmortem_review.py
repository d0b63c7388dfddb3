"""A postmortem in a real browser: the reviewer approves it and the author publishes it by
the change form's buttons, axe-core finding no serious violation on the pages; the print
view renders to a PDF (Chromium's own printing) with its headings as the PDF's outline."""

import re
import zlib

import pytest
from playwright.sync_api import Page, expect

from incidents.models import Status as IncidentStatus
from postmortems.models import Postmortem, Status
from postmortems.workflow import (
    postmortem_add_reviewer,
    postmortem_create_for,
    postmortem_move,
    postmortem_update,
)
from tests.browser.conftest import admin_login, assert_accessible

HEADINGS = ("Summary", "Impact", "Durations", "Key events", "Root causes", "Action items")


@pytest.fixture
def draft(incident_in, agent) -> Postmortem:
    incident = incident_in(IncidentStatus.RESOLVED, title="Mail queue stuck", severity=2)
    return postmortem_create_for(incident, by=agent)


@pytest.fixture
def in_review(draft, agent, other_agent) -> Postmortem:
    postmortem_add_reviewer(draft, by=agent, user=other_agent)
    return postmortem_move(draft, "submit", by=agent)


def move(page: Page, label: str) -> None:
    button = page.locator(f".ticket-moves .movebutton:text-is('{label}')")
    one_click = button.evaluate("el => el.tagName") == "BUTTON"
    button.click()
    if not one_click:  # the page asking for the move's inputs
        assert_accessible(page)
        page.click(f"input[type=submit][value='{label}']")
    expect(page.locator("ul.messagelist li.success")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_approves_and_the_author_publishes(page, live_server, screenshot, in_review):
    url = f"{live_server.url}/admin/postmortems/postmortem/{in_review.pk}/change/"
    admin_login(page, live_server.url, "bob", "pw-bob")
    page.goto(url)
    expect(page.locator("h2:text-is('Reviewers')")).to_be_visible()
    assert_accessible(page)
    screenshot("in-review")
    move(page, "Approve")
    expect(page.locator(".ticket-moves .movebutton:text-is('Approve')")).to_have_count(0)
    screenshot("approved")

    page.context.clear_cookies()
    admin_login(page, live_server.url, "alice", "pw-alice")
    page.goto(url)
    # not the author's
    expect(page.locator(".ticket-moves .movebutton:text-is('Approve')")).to_have_count(0)
    move(page, "Publish")
    assert_accessible(page)
    screenshot("published")

    in_review.refresh_from_db()
    assert in_review.status == Status.PUBLISHED
    assert in_review.reviewers.get().approved_at is not None
    verbs = list(
        in_review.timeline.filter(verb__in=["approve", "publish"]).values_list(
            "verb", "author__username"
        )
    )
    assert verbs == [("approve", "bob"), ("publish", "alice")]


def pdf_outline(pdf: bytes) -> str:
    """The PDF's text strings (outline titles included), from plain and deflated streams."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    text = []
    for chunk in chunks:
        for hexed in re.findall(rb"<FEFF([0-9A-Fa-f]+)>", chunk):
            text.append(bytes.fromhex(hexed.decode()).decode("utf-16-be", "replace"))
        text += [s.decode("latin-1") for s in re.findall(rb"\(([^()]*)\)", chunk)]
    return "\n".join(text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_print_view_prints(page, live_server, screenshot, draft, agent):
    postmortem = postmortem_update(
        draft, by=agent, changes={"root_causes": "The queue had no limit."}
    )
    admin_login(page, live_server.url, "alice", "pw-alice")
    page.goto(f"{live_server.url}/admin/postmortems/postmortem/{postmortem.pk}/print/")
    assert_accessible(page)
    page.emulate_media(media="print")
    for heading in HEADINGS:
        expect(page.locator(f"h2:text-is('{heading}')")).to_be_visible()
    screenshot("print")

    pdf = page.pdf(format="A4", outline=True, tagged=True)

    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages > 0
    outline = pdf_outline(pdf)
    for heading in (postmortem.number, *HEADINGS):
        assert heading in outline, f"{heading!r} is not in the PDF's outline"
