"""The second factor's pages: give a code after the password, and set up the app."""

import io
from base64 import b32encode
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp.qr import write_qrcode_image

from accounts import mfa
from accounts.forms import CodeForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("admin:index")


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    context |= admin.site.each_context(request)
    context.setdefault("next", _next(request))
    return render(request, template, context)


@never_cache
@staff_member_required
def verify(request: HttpRequest) -> HttpResponse:
    step = mfa.step_for(request)
    if step == "enrol":
        return HttpResponseRedirect(reverse("accounts:mfa_setup"))
    if step is None:
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        refusal = mfa.verify(request, form.cleaned_data["code"])
        if refusal is None:
            return HttpResponseRedirect(_next(request))
        form.add_error("code", refusal)
    return _page(request, "admin/mfa/verify.html", form=form, title="Two-step sign-in")


@never_cache
@staff_member_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the app; once it is on, make new recovery codes. Someone who has an app
    but has not given its code in this session is sent to give it first: a password
    alone never adds a device."""
    step = mfa.step_for(request)
    if step == "verify":
        return HttpResponseRedirect(reverse("accounts:mfa_verify"))
    user: Any = request.user
    current = mfa.authenticator(user)
    if current is not None:
        codes = mfa.new_recovery_codes(user) if request.method == "POST" else []
        return _page(
            request, "admin/mfa/on.html", device=current, codes=codes, title="Two-step sign-in"
        )
    device = mfa.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = mfa.confirm_authenticator(request, device, form.cleaned_data["code"])
        if codes:
            return _page(
                request, "admin/mfa/on.html", device=device, codes=codes, title="Two-step sign-in"
            )
        form.add_error("code", "That code is wrong or has expired. Try the newest one.")
    secret = b32encode(device.bin_key).decode()
    return _page(
        request,
        "admin/mfa/setup.html",
        form=form,
        required=step == "enrol",
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        title="Set up two-step sign-in",
    )


@never_cache
@require_GET
@staff_member_required
def qr_code(request: HttpRequest) -> HttpResponse:
    """The QR code of the app being set up (an image, so no inline markup on the page)."""
    if mfa.step_for(request) == "verify" or mfa.authenticator(request.user) is not None:
        return HttpResponse(status=404)
    out = io.BytesIO()
    write_qrcode_image(mfa.pending_authenticator(request.user).config_url, out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")
