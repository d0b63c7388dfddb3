"""The API tokens in the agents' console. Everyone issues their own tokens here (the plain
token is shown once, on the page that answers the save) and revokes them; managers
(``view_apitoken``, ``change_apitoken``) see everyone's and revoke any. Nothing about a
token is edited after it is issued, and none is deleted: revoked ones stay, for the record."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import TokenRefused, api_token_issue, api_token_revoke, check_expiry


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name", "expires")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expires = self.fields.get("expires")
        if expires is None:
            return  # an issued token's page: every field is read-only
        expires.initial = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
        expires.required = not settings.API_TOKEN_ALLOW_NEVER

    def clean_expires(self) -> datetime | None:
        try:
            return check_expiry(self.cleaned_data["expires"], now=timezone.now())
        except TokenRefused as refusal:
            raise forms.ValidationError(refusal.message) from refusal


class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = (
        "name",
        "user",
        "prefix",
        "created",
        "expires",
        "last_used",
        "revoked_at",
        "state",
    )
    list_select_related = ("user",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "expires", "last_used")
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "prefix", "created", "last_used", "revoked_at", "revoked_by")
    actions = ("revoke",)

    @admin.display(description="state")
    def state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "Revoked"
        return "Expired" if token.refusal(timezone.now()) else "Active"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        tokens = super().get_queryset(request)
        if request.user.has_perm("accounts.view_apitoken"):
            return tokens
        return tokens.filter(user_id=request.user.pk)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["name", "expires"]
        return [*self.readonly_fields[:3], "name", "expires", *self.readonly_fields[3:]]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        return () if obj is None else self.get_fields(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Their own tokens for everyone who may issue one; everyone's for managers.
        own = request.user.has_perm("accounts.add_apitoken") and (
            obj is None or obj.user_id == request.user.pk
        )
        return own or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # a token's name and expiry are fixed when it is issued

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked, never deleted

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)  # each token is checked as it is revoked

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        # Only adding reaches here (nothing may be changed). The token is the requesting
        # user's, issued by the one function that issues tokens; the form's instance takes
        # its fields so the admin's log and redirect name it.
        issued, plain = api_token_issue(
            request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            expires=form.cleaned_data["expires"],
        )
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued, field.attname))
        obj._state.adding = False
        obj.plain = plain  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The one page that shows the token: rendered here, not after a redirect, so the
        plain token is never in a message, a session or a URL."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Your new API token",
            "token": obj,
            "secret": obj.plain,  # type: ignore[attr-defined]
            "secret_label": obj.name,
        }
        # The admin's views are never_cache: "no-store", so no cache keeps the page.
        return TemplateResponse(request, "admin/accounts/apitoken/issued.html", context)

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked, refused = 0, []
        for token in queryset.select_related("user"):
            try:
                api_token_revoke(token, by=request.user)  # type: ignore[arg-type]
            except TokenRefused as refusal:
                refused.append(f"{token}: {refusal.message}")
            else:
                revoked += 1
        if revoked:
            self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)
