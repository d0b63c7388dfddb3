"""The reports page: a proxy-model changelist (like the major-incident board) that shows
charts instead of rows, for agents and managers (``view_incidentreport``). The filters
are a GET form, so a report is a URL to bookmark or share."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from metrics.admin.page import sections
from metrics.forms import ScopeForm
from metrics.models import IncidentReport
from metrics.scope import Scope


class ReportForm(ScopeForm):  # type: ignore[valid-type,misc]
    """The API's filters with widgets for people: dates, and lists to pick from."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from", "to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
        self.fields["from"].help_text = "From this day on (UTC)."
        self.fields["to"].help_text = "Up to this day, excluded (UTC)."
        for name in ("service", "team", "priority", "severity", "category"):
            self.fields[name].widget.attrs["size"] = 4


@admin.register(IncidentReport)
class IncidentReportAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ("metrics/reports.css",)}

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = ReportForm(request.GET or None)
        scope = form.scope() if form.is_bound and form.is_valid() else None
        if not form.is_bound:
            scope = Scope.last()
        shown, extra = sections(scope) if scope is not None else ([], {})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Incident reports",
            "subtitle": None,
            "form": form,
            "scope": scope,
            "sections": shown,
            "extra": extra,
            "media": self.media + form.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/metrics/reports.html", context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
