"""The delivery log (every outbox row, with a "retry now" action), each user's inbox,
webhook endpoints (disabled ones shown so), preferences and quiet hours, watches and
subscriptions."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.admin_pickers import SafePickers
from kernel.admin.fields import ChoiceListField, TimeZoneField
from kernel.admin.pages import acting_user
from kernel.admin.secrets import SecretShownOnceAdmin
from notifications.delivery import endpoint_enable, endpoint_rotate_secret, notification_retry
from notifications.enums import Channel, DeliveryStatus, EventKind
from notifications.models import (
    Endpoint,
    InboxItem,
    Notification,
    Preference,
    QuietHours,
    ServiceSubscription,
    Watch,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system: viewable, never added or edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "channel",
        "to",
        "subject",
        "state",
        "attempts",
        "last_error_short",
        "delivered_at",
    )
    list_filter = ("status", "channel", "kind", "endpoint")
    search_fields = ("subject", "event_key", "recipient__username", "endpoint__name", "address")
    list_select_related = ("recipient", "endpoint")
    date_hierarchy = "created_at"
    actions = ("retry_now",)
    readonly_fields = (
        "id",
        "event_key",
        "kind",
        "channel",
        "recipient",
        "endpoint",
        "address",
        "subject",
        "body",
        "url",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "enqueued_at",
        "claimed_until",
        "last_error",
        "created_at",
        "delivered_at",
        "read_at",
    )

    @admin.display(description="to")
    def to(self, obj: Notification) -> str:
        return str(obj.recipient or obj.endpoint or obj.address)

    @admin.display(description="status", ordering="status")
    def state(self, obj: Notification) -> SafeString:
        # Colours in kernel/static/kernel/admin.css: the CSP refuses style="" attributes.
        return format_html(
            '<span class="delivery-status status-{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description="last error")
    def last_error_short(self, obj: Notification) -> str:
        return obj.last_error[:80]

    @admin.action(description="Retry now", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = 0
        for notification in queryset.exclude(status=DeliveryStatus.DELIVERED):
            notification_retry(notification)
            count += 1
        self.message_user(request, f"{count} notification(s) queued again.", messages.SUCCESS)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_notification")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InboxItem)
class InboxAdmin(ReadOnlyAdmin):
    """Each user sees their own in-app notifications; opening one marks it read."""

    list_display = ("unread", "created_at", "subject_link", "kind")
    list_display_links = None
    list_filter = ("kind",)
    search_fields = ("subject",)
    actions = ("mark_read",)
    fields = ("subject", "body", "kind", "created_at", "link")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboxItem]:
        return super().get_queryset(request).filter(recipient=request.user, channel=Channel.INBOX)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="", boolean=False)
    def unread(self, obj: InboxItem) -> str:
        return "●" if obj.read_at is None else ""

    @admin.display(description="subject", ordering="subject")
    def subject_link(self, obj: InboxItem) -> SafeString:
        from django.urls import reverse

        url = reverse("admin:notifications_inboxitem_change", args=[obj.pk])
        unread = " unread" if obj.read_at is None else ""
        return format_html('<a href="{}" class="inbox-subject{}">{}</a>', url, unread, obj.subject)

    @admin.display(description="ticket")
    def link(self, obj: InboxItem) -> SafeString:
        return format_html('<a href="{}">{}</a>', obj.url, obj.payload.get("number", obj.url))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Reading is the only write an inbox row gets, and only by its recipient.
        self.get_queryset(request).filter(pk=object_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Mark as read")
    def mark_read(self, request: HttpRequest, queryset: QuerySet[InboxItem]) -> None:
        queryset.filter(read_at__isnull=True).update(read_at=timezone.now())


class EndpointForm(forms.ModelForm):
    kinds = ChoiceListField(
        choices=EventKind.choices, help_text="Events to send; none ticked sends them all."
    )

    class Meta:
        model = Endpoint
        fields = ("name", "url", "format", "team", "kinds", "is_active")


@admin.register(Endpoint)
class EndpointAdmin(SafePickers, SecretShownOnceAdmin):
    secret_noun = "signing secret"
    rotate_consequence = (
        "every webhook sent from then on, retries included, is signed with the new one, and "
        "the receiver refuses them until it is given the new secret."
    )
    secret_template = "admin/notifications/endpoint/secret.html"

    """The signing secret is generated here, never typed, and shown once: on the page that
    answers the save that created it or the rotation that replaced it. Every other page
    (list, change form, view-only) shows its first characters and when it was set."""

    form = EndpointForm
    list_display = ("name", "url", "team", "format", "active", "disabled_reason", "signing_secret")
    list_filter = ("is_active", "format", "team")
    search_fields = ("name", "url")
    autocomplete_fields = ("team",)
    list_select_related = ("team",)
    readonly_fields = ("signing_secret", "disabled_at", "disabled_reason")
    actions = ("enable",)

    @admin.display(description="active", boolean=True, ordering="is_active")
    def active(self, obj: Endpoint) -> bool:
        return obj.is_active

    @admin.display(description="signing secret", ordering="secret_set_at")
    def signing_secret(self, obj: Endpoint) -> str:
        if obj._state.adding:
            # The add form's instance holds a default secret that is never saved.
            return "Generated when you save, and shown once on the next page."
        return f"{obj.secret_hint} set on {timezone.localtime(obj.secret_set_at):%Y-%m-%d %H:%M}"

    @admin.action(description="Enable again", permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset.filter(is_active=False):
            endpoint_enable(endpoint)
        self.message_user(request, "Enabled.", messages.SUCCESS)

    def rotate(self, obj: Endpoint, request: HttpRequest) -> None:
        endpoint_rotate_secret(obj, by=acting_user(request))

    def secret_context(self, obj: Endpoint) -> dict[str, Any]:
        return {"secret_label": f"Signing secret of {obj}"}


class OwnRowsAdmin(admin.ModelAdmin):
    """Rows that belong to a user: each sees and edits their own; superusers see all."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"user": request.user.pk}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            obj.user = request.user
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if request.user.is_superuser else ("user",)


@admin.register(Preference)
class PreferenceAdmin(OwnRowsAdmin):
    list_display = ("user", "kind", "email", "inbox", "respect_quiet_hours")
    list_editable = ("email", "inbox", "respect_quiet_hours")
    list_filter = ("kind",)
    list_select_related = ("user",)


class QuietHoursForm(forms.ModelForm):
    # Picked from the zone list, as a schedule's or a calendar's zone is: a zone typed
    # by hand is easy to get wrong (Europe/Berln) and only refused after the fact.
    time_zone = TimeZoneField(
        initial="UTC", help_text=QuietHours._meta.get_field("time_zone").help_text
    )

    class Meta:
        model = QuietHours
        fields = ("user", "start", "end", "time_zone", "weekends")


@admin.register(QuietHours)
class QuietHoursAdmin(OwnRowsAdmin):
    """When mails may wait: for the kinds whose preference says to respect quiet hours."""

    form = QuietHoursForm
    list_display = ("user", "start", "end", "time_zone", "weekends")
    list_select_related = ("user",)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None or request.user.is_superuser:
            return form  # a superuser picks the user: the form checks that one's set
        owner = acting_user(request)

        class OneEach(form):  # type: ignore[misc,valid-type]
            def clean(self) -> dict[str, Any]:
                # One set each (the database says so), where a second was a 500.
                if QuietHours.objects.filter(user=owner).exists():
                    raise forms.ValidationError(
                        "You have quiet hours already: change those instead.", code="unique"
                    )
                return super().clean()

        return OneEach


@admin.register(Watch)
class WatchAdmin(OwnRowsAdmin):
    list_display = ("user", "content_type", "object_id", "created_at")
    list_select_related = ("user", "content_type")


@admin.register(ServiceSubscription)
class ServiceSubscriptionAdmin(SafePickers, OwnRowsAdmin):
    list_display = ("user", "service")
    autocomplete_fields = ("service",)
    list_select_related = ("user", "service")
