"""Which addresses are the desk's (until the routing work fills this module in)."""

from django.conf import settings


def is_desk_address(address: str) -> bool:
    """``settings.NOTIFICATIONS_REPLY_TO`` or one of its plus-addresses
    (``desk+INC0000123@example.com``), case-insensitively. The LMTP gateway refuses mail
    to any other recipient."""
    local, _, domain = address.strip().lower().rpartition("@")
    desk_local, _, desk_domain = settings.NOTIFICATIONS_REPLY_TO.lower().rpartition("@")
    return bool(local) and domain == desk_domain and local.split("+", 1)[0] == desk_local
