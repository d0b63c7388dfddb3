"""The "Inbound mail" log (every received mail and what became of it, the raw mail for
agents, a "retry" action) and the desk addresses."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.admin_pickers import SafePickers
from incidents.attachments import download_response
from kernel.admin.pages import acting_user
from mailin.models import DeskAddress, InboundMail
from mailin.process import NotRetryable, mail_retry


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = (
        "received_at",
        "from_address",
        "subject",
        "status",
        "outcome",
        "record",
        "replied",
        "reason_short",
    )
    list_filter = ("status", "outcome", "via", "replied")
    search_fields = ("from_address", "subject", "message_id", "incident__number")
    list_select_related = ("incident",)
    date_hierarchy = "received_at"
    actions = ("retry",)
    fields = (
        "received_at",
        "via",
        "from_address",
        "subject",
        "message_id",
        "size",
        "raw_mail",
        "status",
        "outcome",
        "record",
        "sender",
        "replied",
        "reason",
        "processed_at",
        "attempts",
    )
    readonly_fields = fields

    @admin.display(description="record")
    def record(self, obj: InboundMail) -> SafeString | str:
        if obj.incident is None:
            return "-"
        url = reverse("admin:incidents_incident_change", args=[obj.incident.pk])
        return format_html('<a href="{}">{}</a>', url, obj.incident.number)

    @admin.display(description="reason or error")
    def reason_short(self, obj: InboundMail) -> str:
        return obj.reason[:100]

    @admin.display(description="raw mail")
    def raw_mail(self, obj: InboundMail) -> SafeString:
        url = reverse("admin:mailin_inboundmail_raw", args=[obj.pk])
        return format_html('<a href="{}">Download (.eml, {} bytes)</a>', url, obj.size)

    @admin.action(description="Retry", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        done, refused = 0, []
        for inbound in queryset.order_by("pk"):
            try:
                after = mail_retry(inbound, by=acting_user(request))
            except NotRetryable as exc:
                refused.append(str(exc))
                continue
            done += 1
            self.message_user(
                request,
                f"Mail {after.pk}: {after.get_status_display().lower()}"
                + (f" ({after.reason})" if after.reason else ""),
                messages.INFO,
            )
        if refused:
            self.message_user(request, " ".join(refused), messages.WARNING)
        if done:
            self.message_user(request, f"{done} mail(s) processed again.", messages.SUCCESS)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mailin.change_inboundmail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing only: the record is what happened. The retry action has its own check.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        raw = path(
            "<int:pk>/raw/",
            self.admin_site.admin_view(self.raw_view),
            name="mailin_inboundmail_raw",
        )
        return [raw, *super().get_urls()]

    def raw_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """The mail as it came, as a download no browser renders (it may hold script)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        inbound = get_object_or_404(InboundMail, pk=pk)
        return download_response(inbound.raw, f"mail-{inbound.pk}.eml", "message/rfc822")


@admin.register(DeskAddress)
class DeskAddressAdmin(SafePickers, admin.ModelAdmin):
    list_display = ("address", "service", "assignment_group", "is_active")
    list_filter = ("is_active",)
    search_fields = ("address",)
    list_select_related = ("service", "assignment_group")
    autocomplete_fields = ("service", "assignment_group")
