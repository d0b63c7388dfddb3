"""Signing in and out, password reset by email, and the home page."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from accounts.models import User
from incidents.models import Incident, Status
from incidents.visibility import visible_incidents
from portal.words import state_words


def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_staff)


class LoginView(auth_views.LoginView):
    """Django's sign-in. Wrong passwords lock one username from one address for a while
    (django-axes, ``accounts.lockout``: the page ``portal/locked_out.html``); never the
    account everywhere, nor everyone behind the address (docs/operations.md#sign-in-lockout).
    Staff who owe a second factor are asked for it next (``accounts.middleware``)."""

    template_name = "portal/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        if _is_staff(self.request.user):
            return reverse("admin:index")  # agents work in the admin, not the portal
        url: str = super().get_success_url()  # only ``next`` values on this host
        return url


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/password_reset.html"
    email_template_name = "portal/password_reset_email.txt"
    subject_template_name = "portal/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff:
        return HttpResponseRedirect(reverse("admin:index"))
    mine = visible_incidents(Incident.objects.select_related("service"), user)
    open_ones = list(mine.exclude(status__in=Incident.moves.finished).order_by("-reported_at")[:10])
    to_confirm = sum(1 for incident in open_ones if incident.status == Status.RESOLVED)
    rows = [(incident, state_words(incident)) for incident in open_ones]
    return render(request, "portal/home.html", {"rows": rows, "to_confirm": to_confirm})
