"""Sign-in lockout: django-axes' two hooks (settings ``AXES_CLIENT_IP_CALLABLE`` and
``AXES_LOCKOUT_CALLABLE``).

Axes counts wrong passwords per (username, address) and refuses that pair, before any
password is checked, once it reaches ``AXES_FAILURE_LIMIT`` within ``AXES_COOLOFF_TIME``.
The same username from another address, and other usernames from the same address, sign in
as usual: a guesser can pause one account from where they sit, never lock anyone else out.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str | None:
    """The address the server saw. Behind nginx, deploy/proxied.py has already set it from
    ``X-Real-IP``, which nginx writes itself; a client-sent header never counts here."""
    address: str | None = request.META.get("REMOTE_ADDR") or None
    return address


@dataclass(frozen=True)
class Lockout:
    username: str
    until: datetime

    @property
    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def wait_words(self) -> str:
        minutes = math.ceil(self.seconds_left / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_of(username: str, ip_address: str | None, cool_off: timedelta) -> Lockout:
    """When the pair may try again: the cool-off counts from the failure that locked it
    (failures refused while locked are not recorded, so they do not push it back)."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return Lockout(username=username, until=(last or timezone.now()) + cool_off)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """What a refused sign-in answers: 429 with ``Retry-After``; JSON with a ``code`` on the
    API, else the admin's or the portal's page saying until when."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request) or timedelta(0)
    lockout = lockout_of(username, getattr(request, "axes_ip_address", None), cool_off)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "code": "login_locked_out",
                "message": (
                    f"Too many failed sign-ins for this account from your address. "
                    f"Try again in {lockout.wait_words}."
                ),
            },
            status=429,
        )
    else:
        match = request.resolver_match
        in_admin = match is not None and match.app_name == "admin"
        context: dict[str, Any] = {"lockout": lockout}
        if in_admin:
            context |= admin.site.each_context(request)
        template = "admin/locked_out.html" if in_admin else "portal/locked_out.html"
        response = render(request, template, context, status=429)
    response["Retry-After"] = str(lockout.seconds_left)
    return response
