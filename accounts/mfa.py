"""The second factor for staff: an authenticator app (TOTP, django-otp) and one-time
recovery codes. End users of the portal never have one.

Who must have one is ``settings.MFA_REQUIRED_FOR``: ``"managers"`` (managers and
superusers), ``"staff"`` (every agent too) or ``"none"``. Anyone staff may enrol anyway,
and whoever has an authenticator is asked for a code at every sign-in.

After the password a staff user who owes a second factor is signed in but not
*verified*; ``accounts.middleware.SecondFactorMiddleware`` then lets them reach only
``step_for(request)``'s page (give a code, or enrol) and signing out.
"""

from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import MANAGERS

Step = Literal["verify", "enrol"]
RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator app"
RECOVERY = "Recovery codes"
# What this session still owes, decided once per sign-in (the middleware asks on every
# request; two queries each time would be paid by every agent's every page).
_STEP_KEY = "second_factor_step"


def required_for(user: Any) -> bool:
    if not user.is_staff:
        return False
    policy = settings.MFA_REQUIRED_FOR
    if policy == "staff":
        return True
    if policy == "managers":
        return bool(user.is_superuser or user.groups.filter(name=MANAGERS).exists())
    return False


def authenticator(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def step_of(user: Any) -> Step | None:
    """What a staff user signed in with a password alone must do next."""
    if not user.is_staff:
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    return "enrol" if required_for(user) else None


def step_for(request: HttpRequest) -> Step | None:
    """Without a session nobody is signed in: no query. A session that owes nothing (every
    end user's, and staff's without an authenticator when none is required) costs only its
    own read, which the page makes anyway; the user is loaded only while a step is owed."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    step = request.session.get(_STEP_KEY)
    if step == "":
        return None
    user: Any = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if step is None:
        step = step_of(user) or ""
        request.session[_STEP_KEY] = step
    return step or None


def forget_step(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On every sign-in (a ``user_logged_in`` receiver): decide afresh, since a session
    kept for the same user keeps its data."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(_STEP_KEY, None)


def pending_authenticator(user: Any) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading
    the page does not invalidate the QR code the user already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def confirm_authenticator(request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Turn the authenticator on when ``code`` is right: this session counts as verified,
    and the user gets fresh recovery codes (returned, shown once). ``[]`` when wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code.strip()):
            return []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        codes = new_recovery_codes(device.user)
    _verified(request, device)
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes; each works once, in place of an app code."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request: HttpRequest, code: str) -> str | None:
    """Check a code from the app (six digits) or a recovery code; ``None`` when it signs
    the session in, else why not. Each device slows down repeated wrong codes itself."""
    user: Any = request.user
    code = "".join(code.split()).lower()
    # App codes are six digits; recovery codes eight letters and digits.
    devices = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    with transaction.atomic():
        device = devices.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return "That is not a code from your authenticator app."
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return "Too many wrong codes. Wait a few seconds, then try the newest code."
        if not device.verify_token(code):
            return "That code is wrong or has expired. Try the newest one from the app."
    _verified(request, device)
    return None


def _verified(request: HttpRequest, device: Any) -> None:
    request.session.cycle_key()  # more rights now: a new session id, as at sign-in
    otp_login(request, device)
    # Decided again if the device goes (removed by a manager): a manager then must enrol.
    request.session.pop(_STEP_KEY, None)
