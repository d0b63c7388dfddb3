"""Staff who owe a second factor (``accounts.mfa.step_for``) reach only its pages and
signing out until they give it: every other page sends them there, and the API answers
403 with a ``code``. Sessions only; API tokens are a credential of their own."""

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from accounts import mfa

_PAGES = {"verify": "accounts:mfa_verify", "enrol": "accounts:mfa_setup"}
_OPEN = (
    "accounts:mfa_verify",
    "accounts:mfa_setup",
    "accounts:mfa_qr",
    "admin:logout",
    "portal:logout",
)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = mfa.step_for(request)
        if step is None or request.path in _open_paths():
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "second_factor_required",
                    "message": "Give your second factor at /admin/ before using the API.",
                },
                status=403,
            )
        target = reverse(_PAGES[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)


@cache
def _open_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in _OPEN)
