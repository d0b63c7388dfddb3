"""The console: the incident's change form links to "Post a status update"; that page
posts through the workflow; end users' mail links point at the portal, not the admin."""

import pytest
from django.urls import reverse

from statuspage.models import PublicIncident

pytestmark = pytest.mark.django_db


def test_agent_posts_an_update_from_the_admin(client, agent, incident):
    client.force_login(agent)
    form = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    post_url = reverse("admin:statuspage_publicincident_post", args=[incident.pk])
    assert post_url.encode() in form.content
    assert b"Post a status update" in form.content

    page = client.get(post_url)
    assert page.status_code == 200
    response = client.post(
        post_url,
        {"title": "Email delays", "phase": "investigating", "impact": "", "body": "Looking."},
    )
    assert response.status_code == 302
    public = PublicIncident.objects.get(incident=incident)
    assert public.title == "Email delays"
    assert public.updates.get().author == agent
    again = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    assert "Public as “Email delays”".encode() in again.content

    listing = client.get(reverse("admin:statuspage_publicincident_change", args=[public.pk]))
    assert listing.status_code == 200 and b"Looking." in listing.content


def test_refusal_shows_on_the_form(client, agent, incident):
    client.force_login(agent)
    post_url = reverse("admin:statuspage_publicincident_post", args=[incident.pk])
    response = client.post(post_url, {"title": "", "phase": "investigating", "body": "x"})
    assert response.status_code == 200
    assert b"give it a title" in response.content
    assert not PublicIncident.objects.exists()


def test_subscribers_list_in_the_admin(client, manager):
    from statuspage.models import Subscriber

    Subscriber.objects.create(email="pat@example.org")
    client.force_login(manager)
    assert b"pat@example.org" in client.get("/admin/statuspage/subscriber/").content
