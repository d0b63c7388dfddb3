"""What read_body makes of ordinary mail: which part is the text, how HTML reads as text,
which files come out and under what names, and that the portal's checks then decide on
each file by its content."""

import email
import email.policy
import io
import zipfile
from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.attachments import Checked, check_upload
from mailin.body import read_body

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _mail(text: str = "See the attached files.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Bob <bob@example.com>"
    message["To"] = "desk@example.com"
    message["Subject"] = "Files"
    message.set_content(text)
    return message


def _reparsed(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


MATRIX = [
    # name, MIME type the sender declares, content, whether the portal's checks accept it
    ("report.pdf", "application/pdf", PDF, True),
    ("screen.png", "image/png", PNG, True),
    ("notes.txt", "text/plain", "Grüße, the log:\nline 1\n".encode(), True),
    ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     DOCX, False),
    ("logs.zip", "application/zip", _zip({"a.log": b"x"}), False),
    ("invoice.pdf", "application/pdf", EXE, False),  # a program renamed .pdf
    ("page.html", "text/html", b"<html><script>alert(1)</script></html>", False),
]  # fmt: skip


def test_every_attachment_comes_out_whole_and_the_portal_checks_decide_by_content() -> None:
    message = _mail()
    for name, content_type, data, _accepted in MATRIX:
        maintype, subtype = content_type.split("/")
        if maintype == "text":
            message.add_attachment(data.decode(), subtype=subtype, filename=name)
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)

    body = read_body(_reparsed(message))

    assert body.text == "See the attached files."
    assert body.problems == []
    assert [(file.name, file.content_type) for file in body.files] == [
        (name, content_type) for name, content_type, _data, _accepted in MATRIX
    ]
    for file, (name, content_type, data, accepted) in zip(body.files, MATRIX, strict=True):
        # A text attachment travels with CRLF line ends (and a last one), as MIME wants.
        if content_type.startswith("text/"):
            assert file.data.replace(b"\r\n", b"\n").rstrip(b"\n") == data.rstrip(b"\n")
        else:
            assert file.data == data, name
        checked = check_upload(SimpleUploadedFile(file.name, file.data))
        assert isinstance(checked, Checked) is accepted, (name, checked)
    refusal = check_upload(SimpleUploadedFile(body.files[5].name, body.files[5].data))
    assert refusal == "invoice.pdf was refused: its content is not a .pdf file."


def test_the_plain_part_is_preferred_and_an_empty_one_gives_way_to_html() -> None:
    message = _mail("Plain words.")
    message.add_alternative("<p>HTML words.</p>", subtype="html")
    assert read_body(_reparsed(message)).text == "Plain words."

    empty = _mail(" \n")
    empty.add_alternative("<p>HTML words.</p>", subtype="html")
    assert read_body(_reparsed(empty)).text == "HTML words."


def test_html_reads_as_text_with_its_links_lists_and_tables() -> None:
    message = _mail()
    message.set_content(
        "<h1>Outage</h1><p>Since <b>09:00</b> the&nbsp;portal is down.</p>"
        "<ol><li>Open the portal</li><li>See the error</li></ol>"
        '<p>Details: <a href="https://status.example.com/x">status page</a>, '
        '<a href="mailto:ops@example.com">ops@example.com</a>.</p>'
        "<table><tr><th>Host</th><th>State</th></tr><tr><td>web1</td><td>down</td></tr></table>",
        subtype="html",
    )

    body = read_body(_reparsed(message))

    assert body.text == (
        "Outage\n\nSince 09:00 the portal is down.\n\n"
        "1. Open the portal\n2. See the error\n\n"
        "Details: status page <https://status.example.com/x>, ops@example.com.\n\n"
        "Host State\nweb1 down"
    )


def test_an_inline_image_is_a_file_and_a_forwarded_mail_is_an_eml_file() -> None:
    message = _mail("Screenshot below, and the mail I got.")
    message.add_alternative('<p>Screenshot below.</p><img src="cid:shot@x">', subtype="html")
    html = message.get_payload()[1]  # type: ignore[index]
    html.add_related(PNG, maintype="image", subtype="png", cid="<shot@x>")
    forwarded = _mail("Your password expires today. Click here.")
    forwarded.replace_header("Subject", "Password expiry")
    message.add_attachment(forwarded)

    body = read_body(_reparsed(message))

    assert body.text == "Screenshot below, and the mail I got."
    assert [file.name for file in body.files] == ["attachment-1.png", "Password expiry.eml"]
    assert body.files[0].data == PNG
    assert b"Your password expires today." in body.files[1].data
    assert "expires" not in body.full


def test_text_split_around_an_inline_image_is_kept_whole() -> None:
    # Apple Mail writes text, image, text as three parts of a multipart/mixed.
    message = _mail("Before the picture.")
    message.add_attachment(PNG, maintype="image", subtype="png", disposition="inline")
    message.add_attachment("After the picture.", disposition="inline")

    body = read_body(_reparsed(message))

    assert body.text == "Before the picture.\n\nAfter the picture."
    assert [file.data for file in body.files] == [PNG]


def test_a_new_report_keeps_its_list_and_loses_only_its_signature() -> None:
    text = (
        "The VPN drops every ten minutes.\n\n"
        "- since Monday\n- only on Wi-Fi\n- laptop HP-4711\n\n"
        "Thanks,\nBob\n"
    )

    body = read_body(_reparsed(_mail(text)))

    assert body.text == (
        "The VPN drops every ten minutes.\n\n- since Monday\n- only on Wi-Fi\n- laptop HP-4711"
    )
    assert body.full == text.rstrip("\n")


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b[31m", "\x7f"])
def test_control_characters_never_reach_the_text(control: str) -> None:
    raw = (
        "From: m@example.net\r\nSubject: bell" + control + "\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nring" + control + " the bell\r\n"
    ).encode()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)

    body = read_body(message)

    assert body.text in ("ring the bell", "ring[31m the bell")
    assert "\x1b" not in body.text and "\x00" not in body.full
    assert body.subject.startswith("bell")
