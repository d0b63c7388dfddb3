"""What a caller's "resolved" mail tells them to do if the fix did not work: reply, and
the incident reopens (docs/mail.md, "Replies to a resolved incident"), or reopen it on
the portal. Built for the caller (and their delegates) only, when the mail is rendered:
an agent's reply to the same mail is a comment and reopens nothing, so theirs says
nothing of it. Registered as the personal link of state-change notices
(``incidents.wiring``)."""

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from incidents.models import Incident, Status
from kernel.notices import ActionLink, Recipient
from notifications.events import portal_url

LABEL = "Still not working? Reply to this email and the incident reopens, or reopen it here"


def reopen_by_reply_link(data: Mapping[str, Any], recipient: Recipient) -> ActionLink | None:
    if data.get("model") != "incident" or data.get("verb") != "resolve":
        return None
    if recipient.user_id is None:
        return None
    incident = Incident.objects.filter(number=data.get("number", "")).first()
    if incident is None or incident.status != Status.RESOLVED:
        return None  # closed or reopened since: a reply no longer reopens it
    user = User.objects.filter(pk=recipient.user_id, is_active=True).first()
    if user is None or not incident.is_requester(user):
        return None
    return ActionLink(LABEL, portal_url(incident))
