"""A record whose secret is shown once (a webhook endpoint's signing secret, an alert
integration's credential): on the page answering its creation and on the page answering a
rotation, never again. Each admin names the secret, the rotation and the page's words."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path


class SecretShownOnceAdmin(admin.ModelAdmin):
    secret_noun = "secret"
    """How the pages call it ("signing secret")."""
    rotate_consequence = ""
    """What a rotation does to whoever holds the old secret, on the confirm page."""
    secret_template = ""
    """The page showing it: extends ``admin/secret_shown_once.html``."""

    def rotate(self, obj: Any, request: HttpRequest) -> None:
        """Give ``obj`` a new secret (the owning app's function)."""
        raise NotImplementedError

    def secret_context(self, obj: Any) -> dict[str, Any]:
        """What the secret page shows besides the secret."""
        return {}

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        rotate = path(
            "<path:object_id>/rotate-secret/",
            self.admin_site.admin_view(self.rotate_secret_view),
            name=f"{opts.app_label}_{opts.model_name}_rotate_secret",
        )
        return [rotate, *super().get_urls()]

    def response_add(
        self, request: HttpRequest, obj: Model, post_url_continue: str | None = None
    ) -> HttpResponse:
        return self.secret_page(
            request, obj, f"The new {self.opts.verbose_name}'s {self.secret_noun}"
        )

    def rotate_secret_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            self.rotate(obj, request)
            self.log_change(request, obj, f"Rotated the {self.secret_noun}.")
            return self.secret_page(
                request, obj, f"The {self.opts.verbose_name}'s new {self.secret_noun}"
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Rotate the {self.secret_noun} of {obj}",
            "secret_noun": self.secret_noun,
            "consequence": self.rotate_consequence,
        }
        return TemplateResponse(request, "admin/rotate_secret.html", context)

    def secret_page(self, request: HttpRequest, obj: Any, title: str) -> HttpResponse:
        """The one page that shows the secret: rendered in answer to the POST, not after a
        redirect, so it is never in a message, a session or a URL. The admin's views are
        never_cache ("no-store"), so no cache keeps it either."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": title,
            "secret": obj.secret,
            "secret_label": f"{self.secret_noun.capitalize()} of {obj}",
            **self.secret_context(obj),
        }
        return TemplateResponse(request, self.secret_template, context)
