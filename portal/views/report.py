"""Reporting an incident: pick a public service, see what is already known about it,
then describe what is broken. One ``incident_create`` (and ``incident_attach``) call."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.models import User
from catalog.models import Service
from incidents.attachments import incident_attach
from incidents.models import Source
from incidents.visibility import represented
from incidents.workflow import incident_create
from kernel.errors import MoveInvalid, WorkflowError
from portal.forms import ReportForm
from portal.limits import Usage, reports_by_user, reports_from_ip
from portal.suggestions import suggestions_for


def public_services() -> QuerySet[Service]:
    """What end users may report on: the services the portal and status page show."""
    return Service.objects.filter(is_public=True, is_active=True).order_by("name")


def _clean_text(value: str, limit: int) -> str:
    return value.replace("\x00", "")[:limit].strip()


@login_required
def report_start(request: HttpRequest) -> HttpResponse:
    """Step 1: which service? A GET search, so it works without JavaScript."""
    query = _clean_text(request.GET.get("q", ""), 100)
    services = public_services()
    if query:
        services = services.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return render(request, "portal/report_start.html", {"services": services, "q": query})


def _limited_message(by_user: Usage, by_ip: Usage) -> str:
    if by_user.full:
        return (
            f"You have reported {by_user.count} incidents in the last {by_user.period_words}; "
            f"that is the most we take from one person. Please wait {by_user.wait_words} "
            "before reporting another, or follow one of your open incidents and add to it."
        )
    return (
        f"Too many reports came from your network in the last {by_ip.period_words}. "
        f"Please wait {by_ip.wait_words} and try again."
    )


@login_required
def report(request: HttpRequest, service_id: int) -> HttpResponse:
    """Step 2: the form for one service, with the known issues on it."""
    user: User = request.user  # type: ignore[assignment]
    service = get_object_or_404(public_services(), pk=service_id)
    people = list(represented(user))
    context: dict[str, Any] = {"service": service, "checked": False}
    status = 200
    if request.method != "POST":
        form = ReportForm(user=user, people=people)
        context["suggestions"] = suggestions_for(user, service, "")
        return render(request, "portal/report.html", {**context, "form": form})

    title = _clean_text(request.POST.get("title", ""), 200)
    context["files_dropped"] = bool(request.FILES)
    if "check" in request.POST:
        # A re-render with the typed input and fresh suggestions; nothing is validated,
        # created or counted.
        form = ReportForm(initial=request.POST.dict(), user=user, people=people)
        context.update(suggestions=suggestions_for(user, service, title), checked=True)
        return render(request, "portal/report.html", {**context, "form": form})

    by_ip = reports_from_ip(request, count=True)
    by_user = reports_by_user(request)
    if by_ip.exceeded or by_user.full:
        form = ReportForm(initial=request.POST.dict(), user=user, people=people)
        context.update(limited=_limited_message(by_user, by_ip))
        context["suggestions"] = suggestions_for(user, service, title)
        return render(request, "portal/report.html", {**context, "form": form}, status=429)

    form = ReportForm(request.POST, request.FILES, user=user, people=people)
    if form.is_valid():
        try:
            with transaction.atomic():  # the incident and its files, or neither
                incident = incident_create(
                    by=user, source=Source.PORTAL, service=service, **form.incident_fields()
                )
                incident_attach(incident, by=user, files=form.cleaned_data["files"])
        except MoveInvalid as exc:
            for field, errors in exc.errors.items():
                form.add_error(field if field in form.fields else None, errors)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            reports_by_user(request, count=True)
            messages.success(
                request,
                f"Thank you: we logged your incident as {incident.number}. "
                "We will keep you posted here and by email.",
            )
            return HttpResponseRedirect(reverse("portal:incident", args=[incident.number]))
        status = 400
    context["suggestions"] = suggestions_for(user, service, title)
    return render(request, "portal/report.html", {**context, "form": form}, status=status)
