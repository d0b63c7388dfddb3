"""Where outgoing webhooks may go: only to public internet addresses, unless
``WEBHOOK_ALLOWED_NETWORKS`` names others. Otherwise anyone who may edit an endpoint could
make the server call what only it can reach: itself, the private network, a cloud's
metadata service (169.254.169.254).

Checked twice: when an endpoint is saved (a clear error for the admin) and when each
request connects (DNS may answer differently by then: a name that resolved to a public
address at save time may resolve to 127.0.0.1 now). At send time the host is resolved
once, every address is checked, and the connection goes to a checked address: the
HTTP client never resolves the name again (no DNS rebinding between check and connect).
"""

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeDestination(Exception):
    """The webhook's host is, or resolves to, an address it may not call."""


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.WEBHOOK_ALLOWED_NETWORKS]


def address_refusal(address: IPAddress) -> str:
    """Why a webhook may not call ``address``, or "" when it may."""
    if address.version == 6 and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 is 127.0.0.1.
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks()):
        return ""
    # is_global: allocated for the public internet; loopback, private (10/8, 172.16/12,
    # 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), unspecified, reserved,
    # shared (100.64/10) and documentation ranges are not.
    if address.is_global and not address.is_multicast:
        return ""
    for word, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
    ):
        if flag:
            return f"{address} is a {word} address"
    return f"{address} is not a public address"


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal resolves to itself, in the forms the
    C library accepts: ``2130706433`` and ``0x7f.1`` are 127.0.0.1). Raises ``OSError``."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        found[ipaddress.ip_address(str(sockaddr[0]).partition("%")[0])] = None
    return list(found)


def checked_addresses(host: str, port: int) -> list[IPAddress]:
    """The addresses of ``host``, all of them allowed; raises ``UnsafeDestination`` if any
    is not (a name answering with one public and one private address is refused)."""
    addresses = resolve(host, port)
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise UnsafeDestination(f"{host} resolves to {address}: {refusal}.")
    return addresses


def url_refusal(url: str) -> str:
    """Why an endpoint may not have ``url``, or "" (save time). A name that does not
    resolve now passes: the send-time check still holds for it."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        return f"Not a valid URL: {exc}."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Use an http:// or https:// URL with a host name."
    try:
        checked_addresses(parts.hostname, port)
    except UnsafeDestination as exc:
        return f"Webhooks may not call internal addresses: {exc}"
    except (OSError, UnicodeError):
        return ""
    return ""


class _CheckedBackend(httpcore.SyncBackend):
    """Connects only to addresses ``checked_addresses`` allows, by address: the name is
    resolved here, once, and TLS still verifies the certificate against the name."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = checked_addresses(host, port)
        except (OSError, UnicodeError) as exc:  # the name does not resolve: worth retrying
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"{host} has no address")


class CheckedTransport(httpx.HTTPTransport):
    """httpx's own transport whose connections go through ``_CheckedBackend``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # httpx has no parameter for the pool's network backend; every connection the
        # pool opens reads this attribute.
        pool = self._pool
        if not isinstance(pool, httpcore.ConnectionPool):
            raise TypeError("CheckedTransport does not support proxies")
        pool._network_backend = _CheckedBackend()
