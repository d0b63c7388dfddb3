from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from incidents.api.views import IncidentViewSet
from kernel.admin.search import search_page
from response.api.timeline import TimelineMarkdownView
from servicedesk.api.router import router

admin.site.site_header = "servicedesk"
admin.site.site_title = "servicedesk"
admin.site.index_title = "Agents' console"

urlpatterns = [
    # Before the admin's own URLs, which end in a catch-all.
    path("admin/mfa/", include("accounts.urls")),
    path("admin/search/", admin.site.admin_view(search_page), name="admin-search"),
    path("admin/", admin.site.urls),
    # A file, not a JSON answer: no trailing slash, so it stays outside the router.
    path(
        "api/v1/incidents/<str:number>/response/timeline.md",
        TimelineMarkdownView.as_view(),
        name="response-timeline-markdown",
    ),
    path(
        "api/v1/incidents/export.csv",
        IncidentViewSet.as_view({"get": "export"}),
        name="incident-export",
    ),
    path("api/v1/", include(router.urls)),
    path("oncall/", include("oncall.urls")),
    path("status/", include("statuspage.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (?script), so
    # the page has no inline script for the CSP to refuse; its one <style> has the nonce.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
    # Last: the portal owns the root ("/", "/incidents/...", "/accounts/...").
    path("", include("portal.urls")),
]

# Errors: JSON under /api/, the friendly pages elsewhere (servicedesk/edge.py).
handler400 = "servicedesk.edge.bad_request"
handler403 = "servicedesk.edge.permission_denied"
handler404 = "servicedesk.edge.page_not_found"
handler500 = "servicedesk.edge.server_error"
