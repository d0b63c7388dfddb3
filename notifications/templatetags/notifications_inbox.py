from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from notifications.enums import Channel
from notifications.models import Notification

register = template.Library()

UNREAD_CAP = 100


@register.simple_tag(takes_context=True)
def inbox_link(context: Context) -> SafeString | str:
    """ "Inbox (n)" in the admin header: the user's unread in-app notifications."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return ""
    # Capped rather than COUNT(*): one index range read, however big the inbox grew.
    unread_ids = Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, read_at__isnull=True
    ).values_list("pk", flat=True)[:UNREAD_CAP]
    unread = len(unread_ids)
    url = reverse("admin:notifications_inboxitem_changelist")
    if unread:
        shown = f"{UNREAD_CAP - 1}+" if unread >= UNREAD_CAP else str(unread)
        return format_html('<a href="{}"><strong>Inbox ({})</strong></a> / ', url, shown)
    return format_html('<a href="{}">Inbox</a> / ', url)
