"""The one API router. Each app registers its ViewSets here."""

from typing import Any, NoReturn

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, re_path
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from alerts.api.alerts import AlertViewSet, IncidentAlertViewSet
from alerts.api.intake import AlertIntakeViewSet
from catalog.api import CategoryViewSet, ServiceViewSet, TeamViewSet
from changes.api.views import ChangeViewSet
from incidents.api.views import IncidentViewSet
from kernel.api.search import SearchViewSet
from metrics.api.views import MetricsViewSet
from oncall.api import TeamOnCallViewSet
from postmortems.api.views import ActionItemViewSet, PostmortemViewSet
from problems.api.views import KnownErrorViewSet, ProblemViewSet
from response.api.command import ResponseCommandViewSet
from response.api.timeline import ResponseTimelineViewSet
from response.api.updates import ResponseUpdatesViewSet
from servicedesk.api.tokens import TokenViewSet
from sla.api.clocks import ClockViewSet
from statuspage.api import IncidentStatusUpdateViewSet


class UnknownEndpoint(APIView):
    """Any path under the API the router does not know (an unknown move, a typo) gets the
    same JSON 404 as an unknown record, instead of Django's HTML page."""

    permission_classes = (AllowAny,)
    schema = None

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> NoReturn:
        raise exceptions.NotFound("There is no such endpoint.")


class Router(DefaultRouter):
    # No ".json"-style suffix routes: no client needs them, and every action that does not
    # take DRF's ``format`` argument answered them with a 500. A representation of its own
    # (Markdown, CSV) is an action with its own path.
    include_format_suffixes = False

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # Only paths ending in a slash: slashless ones still get APPEND_SLASH's redirect.
        return [*super().get_urls(), re_path(r"^.+/$", UnknownEndpoint.as_view())]


router = Router()
# First: monitoring tools post here in storms, and the resolver tries patterns in order.
router.register(
    r"integrations/(?P<key>[^/.]+)/alerts", AlertIntakeViewSet, basename="integration-alerts"
)
router.register("incidents", IncidentViewSet, basename="incident")
router.register(
    r"incidents/(?P<number>[^/.]+)/status-updates",
    IncidentStatusUpdateViewSet,
    basename="incident-status-update",
)
router.register(
    r"incidents/(?P<number>[^/.]+)/alerts", IncidentAlertViewSet, basename="incident-alert"
)
# A major incident's response (docs/major-incidents.md): three ViewSets on one prefix.
RESPONSE = r"incidents/(?P<number>[^/.]+)/response"
router.register(RESPONSE, ResponseUpdatesViewSet, basename="incident-response-updates")
router.register(RESPONSE, ResponseCommandViewSet, basename="incident-response-command")
router.register(RESPONSE, ResponseTimelineViewSet, basename="incident-response-timeline")
router.register("alerts", AlertViewSet, basename="alert")
router.register("problems", ProblemViewSet, basename="problem")
router.register("known-errors", KnownErrorViewSet, basename="known-error")
router.register("changes", ChangeViewSet, basename="change")
router.register("postmortems", PostmortemViewSet, basename="postmortem")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("services", ServiceViewSet, basename="service")
router.register("teams", TeamViewSet, basename="team")
router.register(r"teams/(?P<team_id>[0-9]+)/oncall", TeamOnCallViewSet, basename="team-oncall")
router.register("categories", CategoryViewSet, basename="category")
router.register("tokens", TokenViewSet, basename="token")
router.register("search", SearchViewSet, basename="search")
router.register("metrics", MetricsViewSet, basename="metrics")
router.register("sla/clocks", ClockViewSet, basename="sla-clock")
