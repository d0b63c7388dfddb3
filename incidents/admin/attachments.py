"""The files on an incident, on its change form: a panel of download links, each served
through the admin (so the admin's login and the incident permissions guard it)."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from incidents.models import Incident, IncidentAttachment
from kernel.admin.panels import Panel, PanelRow


@dataclass(frozen=True)
class AttachmentRow(PanelRow):
    download_url: str = ""

    @property
    def url(self) -> str:
        return self.download_url


def attachment_panel(request: HttpRequest, incident: Incident) -> Panel:
    attachments = IncidentAttachment.objects.filter(incident=incident).select_related("uploaded_by")
    rows: list[PanelRow] = [
        AttachmentRow(
            attachment,
            note=f"{filesizeformat(attachment.size)}, from {attachment.uploaded_by or 'system'}"
            f" on {attachment.created_at:%Y-%m-%d %H:%M}"
            + (", agents only" if attachment.internal else ""),
            download_url=reverse(
                "admin:incidents_incident_attachment", args=[incident.pk, attachment.pk]
            ),
        )
        for attachment in attachments
    ]
    return Panel("Attachments", rows, empty="No files.")
