"""Files on incidents: which ones are accepted, how one is written, how one is served.

A file is accepted when its last extension is on the list below AND its content is what
that extension says (magic bytes through puremagic; text must be UTF-8 without NUL bytes
and must not look like markup a browser would render). Everything else is refused with a
message naming the file, before anything is written: a batch is all or nothing.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

import puremagic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from incidents.models import Incident, IncidentAttachment
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.workflow import lock, record_event, save_audited

if TYPE_CHECKING:
    from accounts.models import User

# Extension -> the MIME type we serve it as and the types its magic bytes may match.
# SVG and HTML are not here on purpose: both run script when opened in a browser.
BINARY_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "png": ("image/png", frozenset({"image/png"})),
    "jpg": ("image/jpeg", frozenset({"image/jpeg"})),
    "jpeg": ("image/jpeg", frozenset({"image/jpeg"})),
    "gif": ("image/gif", frozenset({"image/gif"})),
    "webp": ("image/webp", frozenset({"image/webp"})),
    "pdf": ("application/pdf", frozenset({"application/pdf"})),
}
TEXT_TYPES: dict[str, str] = {
    "txt": "text/plain; charset=utf-8",
    "log": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
ALLOWED = (*BINARY_TYPES, *TEXT_TYPES)
ALLOWED_TEXT = ", ".join(f".{ext}" for ext in ALLOWED)
WORK = "incidents.change_incident"
_HEAD = 8192
# Control characters, and the bidirectional overrides that make "gpj.exe" read "exe.jpg".
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, with what we will store and serve it as."""

    upload: UploadedFile
    name: str
    extension: str
    content_type: str


def display_name(raw: str | None) -> str:
    """The uploader's file name made safe to show and to put in a header: no directory
    parts, no control or direction-override characters, at most 150 characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", unicodedata.normalize("NFC", name)).strip(" .")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 140 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:150]
    return name or "file"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _content_error(upload: UploadedFile, extension: str) -> str | None:
    """Why the content is not what ``extension`` says, or None when it is."""
    upload.seek(0)
    if extension in TEXT_TYPES:
        data = upload.read()
        if b"\x00" in data:
            return "it contains binary data, not text"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "it is not UTF-8 text"
        if text.lstrip().startswith("<"):
            return "it looks like a web page or markup (HTML, SVG, XML), which is not accepted"
        return None
    head = upload.read(_HEAD)
    try:
        found = {match.mime_type for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        found = set()
    if found & BINARY_TYPES[extension][1]:
        return None
    return f"its content is not a .{extension} file"


def check_upload(upload: UploadedFile) -> Checked | str:
    """The checked upload, or the reason it is refused (naming the file)."""
    name = display_name(upload.name)
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        what = f".{extension} files" if extension else "files without a type (extension)"
        return f"{name}: {what} are not accepted. Allowed: {ALLOWED_TEXT}."
    size = upload.size or 0
    if size > limit:
        return f"{name} is {_megabytes(size)} MB; files may be at most {_megabytes(limit)} MB."
    if size == 0:
        return f"{name} is empty."
    reason = _content_error(upload, extension)
    upload.seek(0)
    if reason:
        return f"{name} was refused: {reason}."
    content_type = TEXT_TYPES.get(extension) or BINARY_TYPES[extension][0]
    return Checked(upload, name, extension, content_type)


def check_uploads(uploads: Sequence[UploadedFile], *, already: int = 0) -> list[Checked]:
    """Every upload checked, or ``MoveInvalid({"files": [one message per refusal]})``.
    ``already`` is how many files the incident has: the limit is per incident."""
    results = [check_upload(upload) for upload in uploads]
    errors = [result for result in results if isinstance(result, str)]
    most = settings.PORTAL_ATTACHMENTS_PER_INCIDENT
    if already + len(uploads) > most:
        left = max(most - already, 0)
        errors.append(
            f"An incident may have at most {most} files; "
            + (f"you can add {left} more." if already else f"you chose {len(uploads)}.")
        )
    if errors:
        raise MoveInvalid({"files": errors})
    return [result for result in results if isinstance(result, Checked)]


def may_attach(incident: Incident, user: "User") -> bool:
    """The caller, a delegate of the caller, or an agent."""
    return user.is_active and (user.has_perm(WORK) or incident.is_requester(user))


def incident_attach(
    incident: Incident, *, by: "User", files: Sequence[UploadedFile]
) -> list[IncidentAttachment]:
    """Check every file, then store them all under generated names, with a history row
    each and one public "attached" event on the timeline. Nothing is stored when one
    file is refused."""
    if not may_attach(incident, by):
        raise MoveForbidden(f"You may not add files to {incident.number}.")
    if not files:
        return []
    written: list[IncidentAttachment] = []
    try:
        with transaction.atomic():
            # The row lock serializes two uploads to one incident, so both cannot pass
            # the per-incident limit by counting before either is saved.
            current = lock(incident)
            if current.is_finished:
                raise MoveNotAllowed(f"{current.number} is {current.get_status_display()}.")
            checked = check_uploads(
                files, already=current.attachments.filter(internal=False).count()
            )
            for item in checked:
                attachment = IncidentAttachment(
                    incident=current,
                    name=item.name,
                    content_type=item.content_type,
                    size=item.upload.size or 0,
                    uploaded_by=by,
                )
                attachment.file.save(f"upload.{item.extension}", item.upload, save=False)
                written.append(attachment)
                save_audited(attachment, by=by, reason="Attached")
            names = [item.name for item in checked]
            record_event(
                current,
                by=by,
                verb="attached",
                body="Attached " + ", ".join(names),
                data={"files": names},
            )
    except BaseException:
        # The rows rolled back; the files on disk did not.
        for attachment in written:
            attachment.file.delete(save=False)
        raise
    return written


def incident_keep_original(
    incident: Incident, *, by: "User | None", stored: str, size: int, name: str = "original.eml"
) -> IncidentAttachment:
    """Keep a received mail as it came, for agents only (``internal``): it is our own
    record of what arrived, not an upload, so it skips the type checks, counts against no
    limit and is always served as a download (``attachment_response``). It may be a
    stranger's mail, which the caller must not read. ``stored`` is the name the mail
    already has in the default storage (the inbound mail's own copy): the attachment
    points at it rather than writing the bytes a second time, and no row deletes files."""
    attachment = IncidentAttachment(
        incident=incident,
        name=display_name(name),
        content_type="message/rfc822",
        size=size,
        uploaded_by=by,
        internal=True,
    )
    attachment.file.name = stored
    save_audited(attachment, by=by, reason="Mail received")
    return attachment


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback for old clients and the exact name as ``filename*``."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    fallback = fallback.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(attachment: IncidentAttachment) -> FileResponse:
    """The file as a download that no browser renders or sniffs, whatever is inside."""
    return download_response(attachment.file, attachment.name, attachment.content_type)


def download_response(file: FieldFile, name: str, content_type: str) -> FileResponse:
    """A stored file as a download that no browser renders or sniffs (a sender's or an
    uploader's bytes may hold script)."""
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
