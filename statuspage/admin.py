"""The status page in the agents' console: public incidents with their updates, the
"Post a status update" page (linked from the incident's change form through the
kernel's panels, so the incident admin imports nothing from here), and subscribers."""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from accounts.admin_pickers import SafePickers
from incidents.models import Incident
from kernel.admin.pages import acting_user, attach_errors
from kernel.admin.panels import Panel, PanelRow
from kernel.errors import WorkflowError
from statuspage.forms import StatusUpdateForm
from statuspage.models import PublicIncident, StatusUpdate, Subscriber
from statuspage.workflow import POST_PERMISSION, status_update_post


class StatusUpdateInline(admin.TabularInline):
    model = StatusUpdate
    fields = ("created_at", "phase", "impact", "body", "author")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at", "-id")

    def has_add_permission(self, request: HttpRequest, obj: PublicIncident | None = None) -> bool:
        return False  # updates are posted, through the workflow, never typed in here


@admin.register(PublicIncident)
class PublicIncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "incident_number", "service", "impact", "phase", "updated_at")
    list_filter = ("phase", "impact", "incident__service")
    search_fields = ("title", "incident__number")
    list_select_related = ("incident__service",)
    readonly_fields = ("incident", "title", "impact", "phase", "published_at", "updated_at")
    inlines = (StatusUpdateInline,)
    date_hierarchy = "published_at"

    @admin.display(description="incident", ordering="incident__number")
    def incident_number(self, obj: PublicIncident) -> str:
        return obj.incident.number

    @admin.display(description="service", ordering="incident__service__name")
    def service(self, obj: PublicIncident) -> str:
        return str(obj.incident.service or "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an incident becomes public with its first update

    def has_change_permission(
        self, request: HttpRequest, obj: PublicIncident | None = None
    ) -> bool:
        return False  # read-only: every change is a posted update

    def get_urls(self) -> list[URLPattern]:
        page = path(
            "post/<int:incident_id>/",
            self.admin_site.admin_view(self.post_update_view),
            name="statuspage_publicincident_post",
        )
        return [page, *super().get_urls()]

    def post_update_view(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        if not request.user.has_perm(POST_PERMISSION):
            raise PermissionDenied
        incident = get_object_or_404(Incident, pk=incident_id)
        public = PublicIncident.objects.filter(incident=incident).first()
        change_url = reverse("admin:incidents_incident_change", args=[incident.pk])
        form = StatusUpdateForm(
            request.POST or None,
            initial={"title": public.title if public else "", "phase": public and public.phase},
        )
        if request.method == "POST" and form.is_valid():
            try:
                status_update_post(incident, by=acting_user(request), **form.cleaned_data)
            except WorkflowError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, f"Status update posted on {incident.number}.")
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": Incident._meta,
            "original": incident,
            "change_url": change_url,
            "title": f"Post a status update on {incident.number}",
            "form": form,
            "move": None,
        }
        return TemplateResponse(request, "admin/ticket/move_form.html", context)


@admin.register(Subscriber)
class SubscriberAdmin(SafePickers, admin.ModelAdmin):
    list_display = ("email", "confirmed_at", "unsubscribed_at", "created_at")
    list_filter = (
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("unsubscribed_at", admin.EmptyFieldListFilter),
        "services",
    )
    search_fields = ("email",)
    readonly_fields = ("email", "confirmed_at", "unsubscribed_at", "created_at")
    autocomplete_fields = ("services",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people subscribe themselves: double opt-in is the consent record

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return super().get_queryset(request).prefetch_related("services")


@dataclass(frozen=True)
class LinkRow(PanelRow):
    """A panel row that links to a page (the post form, the public page), not a ticket."""

    target: str = ""

    @property
    def url(self) -> str:
        return self.target


def status_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """The incident's public face: the link to post an update and the latest updates."""
    if not request.user.has_perm(POST_PERMISSION):
        return None
    public = PublicIncident.objects.filter(incident=incident).first()
    post_url = reverse("admin:statuspage_publicincident_post", args=[incident.pk])
    rows: list[PanelRow] = [LinkRow("Post a status update", note=_summary(public), target=post_url)]
    if public is not None:
        for update in public.updates.order_by("-created_at", "-id")[:5]:
            when = f"{update.created_at:%Y-%m-%d %H:%M} · {update.get_phase_display()}"
            rows.append(LinkRow(when, note=update.body, target=public.url))
    return Panel("Status page", rows)


def _summary(public: PublicIncident | None) -> str:
    if public is None:
        return "Not public yet: the first update publishes it on the status page."
    impact, phase = public.get_impact_display(), public.get_phase_display()
    return f"Public as “{public.title}” · {impact} · {phase}"
