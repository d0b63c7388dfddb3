"""Following one's incidents: the list, one incident's public timeline, replying with
files, and confirming the fix or saying it is still broken."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from incidents.attachments import attachment_response, incident_attach
from incidents.models import Incident, IncidentAttachment, IncidentTimelineEntry, Status
from incidents.visibility import visible_incidents
from incidents.workflow import incident_add_note, incident_move
from kernel.enums import TimelineKind
from kernel.errors import WorkflowError
from portal.forms import ConfirmForm, ReopenForm, ReplyForm
from portal.words import public_timeline, state_words

# The caller's "open" is everything not finished: a resolved incident still waits for
# their confirmation.
FILTERS: dict[str, list[int]] = {
    "open": [status for status in Status if status not in Incident.moves.finished],
    "closed": sorted(Incident.moves.finished),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _incident_for(request: HttpRequest, number: str) -> Incident:
    """The incident if the user may see it; 404 otherwise (never 403: no leak)."""
    mine = visible_incidents(Incident.objects.select_related("service"), _user(request))
    return get_object_or_404(mine, number=number)


def _listing(user: User, show: str) -> QuerySet[Incident]:
    # "Last update" is the newest public timeline entry: comments do not touch the row.
    latest = (
        IncidentTimelineEntry.objects.filter(ticket=OuterRef("pk"))
        .exclude(kind=TimelineKind.WORK_NOTE)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    incidents = visible_incidents(Incident.objects.select_related("service"), user)
    if show in FILTERS:
        incidents = incidents.filter(status__in=FILTERS[show])
    return incidents.annotate(last_activity=Subquery(latest)).order_by(
        F("last_activity").desc(nulls_last=True), "-id"
    )


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    show = show if show in (*FILTERS, "all") else "open"
    page = Paginator(_listing(_user(request), show), 25).get_page(request.GET.get("page"))
    rows = [(incident, state_words(incident)) for incident in page.object_list]
    return render(request, "portal/incidents.html", {"page": page, "rows": rows, "show": show})


def _detail(
    request: HttpRequest, incident: Incident, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    attachments = list(incident.attachments.filter(internal=False))
    context = {
        "incident": incident,
        "state": state_words(incident),
        "timeline": public_timeline(incident, user.pk),
        "attachments": attachments,
        "finished": incident.is_finished,
        "resolved": incident.status == Status.RESOLVED,
        "awaiting_me": incident.awaiting_caller,
        "reply_form": forms.get("reply_form") or ReplyForm(initial={"seen": incident.status}),
        "reopen_form": forms.get("reopen_form") or ReopenForm(initial={"seen": incident.status}),
        "confirm_form": ConfirmForm(initial={"seen": incident.status}),
        "files_dropped": forms.get("files_dropped", False),
    }
    return render(request, "portal/incident.html", context, status=status)


@login_required
def incident_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, _incident_for(request, number))


def _back(incident: Incident, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("portal:incident", args=[incident.number]) + anchor)


def _stale(request: HttpRequest, incident: Incident, seen: int | None) -> bool:
    """The page the user acted on showed another state: say so and change nothing."""
    if seen is None or seen == incident.status:
        return False
    messages.warning(
        request,
        f"{incident.number} changed while you were looking at it: it is now "
        f"“{state_words(incident)}”. Nothing was changed; have a look and try again.",
    )
    return True


@login_required
@require_POST
def incident_reply(request: HttpRequest, number: str) -> HttpResponse:
    incident = _incident_for(request, number)
    user = _user(request)
    form = ReplyForm(
        request.POST, request.FILES, already=incident.attachments.filter(internal=False).count()
    )
    if incident.is_finished:
        messages.error(
            request, f"{incident.number} is closed: report a new incident if it came back."
        )
        return _back(incident)
    if not form.is_valid():
        return _detail(request, incident, 400, reply_form=form, files_dropped=bool(request.FILES))
    body, files = form.cleaned_data["body"].strip(), form.cleaned_data["files"]
    waiting = incident.awaiting_caller
    try:
        with transaction.atomic():  # the reply and its files, or neither
            incident_attach(incident, by=user, files=files)
            if body:
                incident = incident_add_note(incident, by=user, body=body, internal=False)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _back(incident)
    incident.refresh_from_db()
    sent = "Your reply was sent." if body else f"{len(files)} file(s) added."
    if waiting and incident.status == Status.IN_PROGRESS:
        sent += " Thanks: the incident is back with the agent and being worked on again."
    messages.success(request, sent)
    return _back(incident, "#timeline")


@login_required
@require_POST
def incident_confirm(request: HttpRequest, number: str) -> HttpResponse:
    incident = _incident_for(request, number)
    form = ConfirmForm(request.POST)
    seen = form.cleaned_data.get("seen") if form.is_valid() else None
    if _stale(request, incident, seen):
        return _back(incident)
    try:
        incident = incident_move(incident, "confirm", by=_user(request), note="")
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _back(incident)
    messages.success(request, f"Thank you for confirming: {incident.number} is closed.")
    return _back(incident)


@login_required
@require_POST
def incident_reopen(request: HttpRequest, number: str) -> HttpResponse:
    incident = _incident_for(request, number)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        if _stale(request, incident, form.cleaned_data.get("seen")):
            return _back(incident)
        return _detail(request, incident, 400, reopen_form=form)
    if _stale(request, incident, form.cleaned_data.get("seen")):
        return _back(incident)
    try:
        incident = incident_move(
            incident, "reopen", by=_user(request), reason=form.cleaned_data["reason"]
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _back(incident)
    messages.success(
        request, f"Sorry it is still broken: {incident.number} is back with the agent."
    )
    return _back(incident)


@login_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    incident = _incident_for(request, number)
    attachment = get_object_or_404(
        IncidentAttachment, pk=attachment_id, incident=incident, internal=False
    )
    return attachment_response(attachment)
