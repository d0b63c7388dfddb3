"""The upload matrix: refused files are named with the reason and nothing is created;
real small files of each accepted type are stored under generated names and served as
downloads no browser renders."""

from pathlib import Path

import pytest
from django.test import Client

from incidents.attachments import incident_attach
from incidents.models import Incident, IncidentAttachment
from kernel.errors import MoveForbidden, MoveInvalid
from tests.portal.samples import ELF, EXE, GIF, HTML, JPG, PDF, SVG, WEBP, ZIP, png, upload

pytestmark = pytest.mark.django_db

REFUSED = [
    ("page.html", HTML, "page.html: .html files are not accepted"),
    ("page.htm", HTML, "page.htm: .htm files are not accepted"),
    ("logo.svg", SVG, "logo.svg: .svg files are not accepted"),
    ("setup.exe", EXE, "setup.exe: .exe files are not accepted"),
    ("report.pdf.exe", EXE, "report.pdf.exe: .exe files are not accepted"),
    ("shot.exe.png", EXE, "shot.exe.png was refused: its content is not a .png file"),
    ("fake.png", ELF, "fake.png was refused: its content is not a .png file"),
    ("fake.jpg", ZIP, "fake.jpg was refused: its content is not a .jpg file"),
    ("fake.pdf", HTML, "fake.pdf was refused: its content is not a .pdf file"),
    ("page.txt", HTML, "page.txt was refused: it looks like a web page or markup"),
    ("image.log", SVG, "image.log was refused: it looks like a web page or markup"),
    ("program.txt", EXE, "program.txt was refused: it contains binary data, not text"),
    ("latin1.csv", "caf\xe9".encode("latin-1"), "latin1.csv was refused: it is not UTF-8 text"),
    ("noextension", b"hello", "noextension: files without a type (extension) are not accepted"),
    ("empty.txt", b"", "empty.txt is empty."),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_refused_upload_names_the_file_and_creates_nothing(
    portal, service, report_data, name, content, message
):
    files = [upload("fine.png", png()), upload(name, content)]
    response = portal.post(f"/report/{service.pk}/", report_data(files=files))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert '<ul class="errorlist" id="id_files_error">' in page
    assert not Incident.objects.exists() and not IncidentAttachment.objects.exists()


def test_eleven_megabytes_is_refused_with_the_limit(portal, service, report_data):
    big = upload("huge.log", b"a" * (11 * 1024 * 1024))
    page = portal.post(f"/report/{service.pk}/", report_data(files=[big])).content.decode()
    assert "huge.log is 11 MB; files may be at most 10 MB." in page
    assert not Incident.objects.exists()


def test_a_sixth_file_is_refused(portal, caller, service, report_data, settings):
    five = [upload(f"shot{i}.png", png()) for i in range(5)]
    response = portal.post(f"/report/{service.pk}/", report_data(files=five))
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.attachments.count() == 5

    sixth = portal.post(
        f"/incidents/{incident.number}/reply/",
        {"body": "one more", "files": [upload("6.png", png())]},
    )
    assert sixth.status_code == 400
    assert "An incident may have at most 5 files; you can add 0 more." in sixth.content.decode()
    assert incident.attachments.count() == 5
    assert not incident.timeline.filter(kind="comment").exists()  # the reply waits too


def test_six_at_once_are_refused(portal, service, report_data):
    six = [upload(f"shot{i}.png", png()) for i in range(6)]
    page = portal.post(f"/report/{service.pk}/", report_data(files=six)).content.decode()
    assert "An incident may have at most 5 files; you chose 6." in page
    assert not Incident.objects.exists()


ACCEPTED = [
    ("screen.png", png(), "image/png"),
    ("photo.jpg", JPG, "image/jpeg"),
    ("photo.JPEG", JPG, "image/jpeg"),
    ("anim.gif", GIF, "image/gif"),
    ("pic.webp", WEBP, "image/webp"),
    ("invoice.pdf", PDF, "application/pdf"),
    ("notes.txt", "Grüße\nline 2".encode(), "text/plain; charset=utf-8"),
    ("server.log", b"2026-01-01 ERROR timeout\n", "text/plain; charset=utf-8"),
    ("rows.csv", b"a,b\n1,2\n", "text/csv; charset=utf-8"),
    ("dump.json", b'{"error": "<b>x</b>"}', "application/json"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_accepted_file_is_stored_and_downloaded_safely(
    portal, caller, service, report_data, settings, name, content, content_type
):
    response = portal.post(f"/report/{service.pk}/", report_data(files=[upload(name, content)]))
    assert response.status_code == 302
    incident = Incident.objects.get()
    attachment = incident.attachments.get()
    assert attachment.name == name and attachment.size == len(content)
    assert attachment.uploaded_by == caller
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == content
    assert str(stored).startswith(str(settings.MEDIA_ROOT))
    assert name not in stored.name and len(stored.stem) == 32  # a uuid, nothing typed
    assert attachment.history.get().history_user == caller
    event = incident.timeline.get(verb="attached")
    assert event.data == {"files": [name]} and event.author == caller and event.is_public

    page = portal.get(response["Location"]).content.decode()
    link = f"/incidents/{incident.number}/attachments/{attachment.pk}/"
    assert link in page
    download = portal.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert f"filename*=UTF-8''{name}" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"


def test_unicode_and_path_names_are_made_safe(incident, caller):
    [attachment] = incident_attach(
        incident, by=caller, files=[upload('..\\..\\etc/\u202egnp.exe\u202c résumé "x".png', png())]
    )
    assert attachment.name == 'gnp.exe résumé "x".png'
    from incidents.attachments import content_disposition

    header = content_disposition(attachment.name)
    assert header == (
        'attachment; filename="gnp.exe r_sum_ _x_.png"; '
        "filename*=UTF-8''gnp.exe%20r%C3%A9sum%C3%A9%20%22x%22.png"
    )


def test_only_caller_delegate_or_agent_may_attach(incident, stranger, agent):
    with pytest.raises(MoveForbidden):
        incident_attach(incident, by=stranger, files=[upload("a.png", png())])
    with pytest.raises(MoveInvalid):
        incident_attach(incident, by=agent, files=[upload("a.svg", SVG)])
    assert not IncidentAttachment.objects.exists()
    incident_attach(incident, by=agent, files=[upload("a.png", png())])
    assert incident.attachments.count() == 1


def test_agents_download_from_the_admin(incident, caller, agent, stranger):
    [attachment] = incident_attach(incident, by=caller, files=[upload("log.txt", b"boom")])
    admin = Client()
    admin.force_login(agent)
    page = admin.get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    url = f"/admin/incidents/incident/{incident.pk}/attachments/{attachment.pk}/"
    assert url in page and "log.txt" in page
    response = admin.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"boom"
    assert response["Content-Security-Policy"] == "sandbox"
    outsider = Client()
    outsider.force_login(stranger)
    assert outsider.get(url).status_code == 302  # the admin sends non-staff to its login
