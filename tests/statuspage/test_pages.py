"""The public pages: what they show, 404s, the 90-day bars, and a constant number of
queries whatever the number of services and incidents."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from statuspage.history import service_history
from statuspage.models import StatusUpdate

pytestmark = pytest.mark.django_db


def test_index_shows_banner_incident_and_feed_links(client, incident, post_update):
    post_update(incident, impact="partial_outage", body="Mail is slow.")
    page = client.get("/status/").content.decode()
    assert "Partial system outage" in page
    assert "Email delivery delays" in page and "Mail is slow." in page
    assert 'href="/status/feed.atom"' in page and 'href="/status/api/summary.json"' in page
    bar = page.split('<ol class="uptime"')[1].split("</ol>")[0]
    assert bar.count("<li") == 90  # the bar: one element per day
    assert bar.count('<li class="st-partial_outage">') == 1  # today's, in its colour


def test_incident_page_lists_updates_newest_first(client, incident, post_update):
    post_update(incident, body="First words.")
    post_update(incident, phase="monitoring", body="Second words.")
    page = client.get(f"/status/incidents/{incident.number}/").content.decode()
    assert page.index("Second words.") < page.index("First words.")
    assert "Monitoring" in page


def test_incident_never_public_is_404(client, incident):
    assert client.get(f"/status/incidents/{incident.number}/").status_code == 404
    assert client.get("/status/incidents/INC9999999/").status_code == 404


def test_resolved_incident_page_shows_resolved(client, incident, post_update, agent):
    from incidents.workflow import incident_resolve

    post_update(incident)
    incident_resolve(incident, by=agent, resolution_code="solution_provided", resolution_notes="ok")
    page = client.get(f"/status/incidents/{incident.number}/").content.decode()
    assert "This incident has been resolved" in page


def test_hidden_service_page_is_404(client, make_service):
    hidden = make_service("Payroll", is_public=False)
    assert client.get(f"/status/services/{hidden.pk}/").status_code == 404


def test_service_page_lists_its_recent_incidents(client, service, incident, post_update):
    post_update(incident)
    page = client.get(f"/status/services/{service.pk}/").content.decode()
    assert "Email delivery delays" in page and "Degraded performance" in page


def test_uptime_bar_words_and_figures(service, incident, post_update):
    update = post_update(incident, impact="partial_outage")
    now = timezone.now()
    # Back-date it to yesterday 10:00, resolved 2 h 10 min later (a test shortcut).
    yesterday = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    yesterday -= timedelta(days=1)
    StatusUpdate.objects.filter(pk=update.pk).update(created_at=yesterday)
    resolved = post_update(incident, phase="resolved", body="Fixed.")
    StatusUpdate.objects.filter(pk=resolved.pk).update(
        created_at=yesterday + timedelta(minutes=130)
    )
    incident.public.__class__.objects.filter(pk=incident.public.pk).update(
        resolved_at=yesterday + timedelta(minutes=130)
    )
    history = service_history([service.pk], now=now)[service.pk]
    assert len(history.days) == 90
    day = history.days[-2]
    assert day.status == "partial_outage"
    assert day.label == f"{yesterday.day} {yesterday:%B}: partial outage for 2 h 10 min"
    assert history.days[-1].label.endswith(": no incidents")
    assert 99.0 < history.uptime < 100.0


def _busy(n: int, make_service, make_incident, post_update) -> None:
    for i in range(n):
        svc = make_service(f"Service {i:02d}")
        post_update(make_incident(service=svc), title=f"Trouble {i}")
        post_update(make_incident(service=svc), title=f"More trouble {i}", phase="identified")


@pytest.mark.parametrize("count", [2, 20])
def test_query_count_is_constant(
    client, make_service, make_incident, post_update, count, django_assert_max_num_queries
):
    _busy(count, make_service, make_incident, post_update)
    for path in ("/status/", "/status/api/summary.json", "/status/feed.atom"):
        with django_assert_max_num_queries(8):
            assert client.get(path).status_code == 200


def test_each_days_words_come_once_and_the_bars_stay_small(
    client, make_service, incident, post_update
):
    for number in range(7):
        make_service(f"Service {number}")
    post_update(incident, impact="partial_outage")
    page = client.get("/status/").content.decode()
    bars = re.findall(r'<ol class="uptime".*?</ol>', page, flags=re.S)
    assert len(bars) == 8 and all(bar.count("<li") == 90 for bar in bars)
    # Read out (and shown on hover) once, not again in a title: 720 days add up.
    assert "title=" not in "".join(bars)
    assert page.count("partial outage for") == 1
    # About 11.5 KB a service while the words came twice and every day had a class.
    assert len("".join(bars).encode()) / len(bars) < 5_000
