"""A user trying other people's incident numbers gets 404 everywhere: portal pages, the
reply and move forms, attachment downloads and the API. Nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from incidents.attachments import incident_attach
from incidents.models import IncidentAttachment, Status
from tests.conftest import api_for
from tests.factories import bring_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def hundred_others(make_incident, agent, manager, team):
    people = [User.objects.create_user(f"other{i}", email=f"o{i}@example.com") for i in range(10)]
    incidents = []
    for i in range(100):
        incident = make_incident(caller=people[i % 10], title=f"Secret {i}")
        if i % 3 == 0:
            incident = bring_to(incident, Status.RESOLVED, agent=agent, manager=manager)
        incident_attach(
            incident, by=agent, files=[SimpleUploadedFile(f"secret{i}.txt", b"secret data")]
        )
        incidents.append(incident)
    return incidents


def test_hundred_other_numbers_are_all_404(portal, caller, hundred_others):
    api = api_for(caller)
    attachments = dict(IncidentAttachment.objects.values_list("incident_id", "pk"))
    before = sum(incident.timeline.count() for incident in hundred_others)
    for incident in hundred_others:
        n = incident.number
        for url in (f"/incidents/{n}/", f"/incidents/{n}/attachments/{attachments[incident.pk]}/"):
            assert portal.get(url).status_code == 404, url
        assert portal.post(f"/incidents/{n}/reply/", {"body": "mine?"}).status_code == 404
        assert portal.post(f"/incidents/{n}/confirm/", {}).status_code == 404
        assert portal.post(f"/incidents/{n}/reopen/", {"reason": "x"}).status_code == 404
        for path in ("", "timeline/", "comments/"):
            assert api.get(f"/api/v1/incidents/{n}/{path}").status_code == 404
        assert api.post(f"/api/v1/incidents/{n}/comments/", {"body": "x"}).status_code == 404
    assert sum(incident.timeline.count() for incident in hundred_others) == before
    listing = portal.get("/incidents/?show=all").content.decode()
    assert "Secret" not in listing
    assert api.get("/api/v1/incidents/").json()["results"] == []


def test_own_attachment_under_another_number_is_404(portal, caller, make_incident, agent):
    mine = make_incident(caller=caller)
    theirs = make_incident(caller=agent)
    [attachment] = incident_attach(mine, by=caller, files=[SimpleUploadedFile("a.txt", b"x")])
    assert portal.get(f"/incidents/{mine.number}/attachments/{attachment.pk}/").status_code == 200
    assert portal.get(f"/incidents/{theirs.number}/attachments/{attachment.pk}/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, incident):
    for url in ("/", "/report/", "/incidents/", f"/incidents/{incident.number}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
