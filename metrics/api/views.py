"""``GET /api/v1/metrics/...``: every report as JSON, or CSV with ``?format=csv`` (or
``Accept: text/csv``); the same filters everywhere (``metrics.forms.ScopeForm``). Agents
only. docs/metrics.md#the-api."""

from collections.abc import Callable
from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.models import Severity
from kernel.api.permissions import IsAgent
from kernel.enums import Priority
from metrics import tables
from metrics.api import serializers as out
from metrics.api.csv import CSVRenderer
from metrics.forms import ScopeForm
from metrics.scope import Scope

TAGS = ["metrics"]
SCALAR = ("from", "to")
# What kernel.api.filters.DateTimeFilter states: the UTC offsets PostgreSQL takes.
OFFSET = r"(?:[Zz]|[+-](?:0[0-9]|1[0-5]):[0-5][0-9])$"


def _ids(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "integer", "minimum": 1}},
        explode=True,
        description=f"{what} id; repeat to match any of several. An unknown id is a 400.",
    )


def _choices(name: str, values: list[int], what: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "integer", "enum": values}},
        explode=True,
        description=f"{what}; repeat to match any of several.",
    )


SCOPE_PARAMETERS = [
    OpenApiParameter(
        "from",
        {"type": "string", "format": "date-time", "pattern": OFFSET},
        description="Start of the period (incidents reported from then on). Default: 90 "
        "days before `to`.",
    ),
    OpenApiParameter(
        "to",
        {"type": "string", "format": "date-time", "pattern": OFFSET},
        description="End of the period, excluded. Default: now (or 90 days after a past "
        "`from`). At most 3660 days after `from`, between 1970 and 9000.",
    ),
    _ids("service", "Service"),
    _ids("team", "Assignment group (team)"),
    _choices("priority", [p.value for p in Priority], "Priority"),
    _choices("severity", [s.value for s in Severity], "Severity"),
    _ids("category", "Category"),
    OpenApiParameter(
        "format",
        str,
        enum=["json", "csv"],
        description="`csv`: the table as a CSV attachment (as `Accept: text/csv` does).",
    ),
]


def answers(serializer: type[Any], name: str) -> dict[Any, Any]:
    return {
        (200, "application/json"): serializer,
        (200, "text/csv"): OpenApiResponse(
            response=OpenApiTypes.STR,
            description=f"The rows as CSV (attachment `metrics-{name}-<from>-<to>.csv`), "
            "one header line; seconds as numbers.",
        ),
    }


def documented(name: str, serializer: type[Any], summary: str, text: str) -> Any:
    return extend_schema(
        tags=TAGS,
        summary=summary,
        description=text + " Definitions: docs/metrics.md.",
        parameters=SCOPE_PARAMETERS,
        responses=answers(serializer, name),
    )


class MetricsViewSet(viewsets.ViewSet):
    """Reports, not records: each action reads the filters, computes one table and answers
    it as JSON or CSV."""

    permission_classes = (IsAuthenticated, IsAgent)
    renderer_classes = (JSONRenderer, CSVRenderer)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # DRF's answer to a ?format= no renderer has
            raise exceptions.ValidationError({"format": ["Use json or csv."]}) from None

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON with a code, whatever format the table was asked in.
        response = super().handle_exception(exc)
        renderer: BaseRenderer = JSONRenderer()
        self.request.accepted_renderer = renderer
        self.request.accepted_media_type = renderer.media_type
        return response

    def _answer(
        self, request: Request, build: Callable[[Scope], tables.Table], serializer: type[Any]
    ) -> Response:
        params = request.query_params
        twice = {name: ["Give one value."] for name in SCALAR if len(params.getlist(name)) > 1}
        form = ScopeForm(params)
        if twice or not form.is_valid():
            errors: dict[str, Any] = {
                name: [str(m) for m in msgs] for name, msgs in form.errors.items()
            }
            raise exceptions.ValidationError({**errors, **twice})
        scope = form.scope()
        table = build(scope)
        if request.accepted_renderer.format == "csv":
            stem = f"metrics-{table.name}-{scope.start:%Y-%m-%d}-{scope.end:%Y-%m-%d}"
            return Response(
                {"columns": table.columns, "rows": table.rows},
                headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
            )
        body = {**tables.period(scope), **table.extra, "rows": table.rows}
        return Response(serializer(body).data)

    @documented(
        "incidents",
        out.IncidentsTable,
        "MTTx and rates",
        "MTTD, MTTA, MTTR-recover, MTTR-resolve (count, mean, p50, p90 in seconds), the "
        "incidents reopened, reassignments per incident and the made-SLA share, of the "
        "incidents reported in the period.",
    )
    @action(detail=False, methods=["get"], url_path="incidents")
    def incidents(self, request: Request) -> Response:
        return self._answer(request, tables.incidents_table, out.IncidentsTable)

    @documented(
        "priorities",
        out.PrioritiesTable,
        "MTTx and rates per priority",
        "The summary's figures for each priority of the period's incidents: incidents, "
        "reopened, reassignments, made SLA, and each measure's count, mean, p50 and p90.",
    )
    @action(detail=False, methods=["get"], url_path="incidents/priorities")
    def priorities(self, request: Request) -> Response:
        return self._answer(request, tables.priorities_table, out.PrioritiesTable)

    @documented(
        "trend",
        out.TrendTable,
        "Weekly trend",
        "Per ISO week (UTC) of the reported time: incidents, MTTA, MTTR-recover and "
        "MTTR-resolve. Weeks without incidents are there with a count of 0.",
    )
    @action(detail=False, methods=["get"], url_path="incidents/trend")
    def trend(self, request: Request) -> Response:
        return self._answer(request, tables.trend_table, out.TrendTable)

    @documented(
        "breakdown",
        out.BreakdownTable,
        "Incidents per service, category, team, status and priority",
        "The incidents of the period grouped five ways, most first.",
    )
    @action(detail=False, methods=["get"], url_path="incidents/breakdown")
    def breakdown(self, request: Request) -> Response:
        return self._answer(request, tables.breakdown_table, out.BreakdownTable)

    @documented(
        "backlog",
        out.BacklogTable,
        "Backlog by age",
        "Incidents open at the end of the period (or now), by age: < 1 day, 1-3, 3-7, "
        "7-30, > 30 days. The filters apply; `from` does not.",
    )
    @action(detail=False, methods=["get"], url_path="backlog")
    def backlog(self, request: Request) -> Response:
        return self._answer(request, tables.backlog_table, out.BacklogTable)

    @documented(
        "services",
        out.ServicesTable,
        "MTBF per service",
        "Mean time between the reported times of consecutive incidents on each service.",
    )
    @action(detail=False, methods=["get"], url_path="services")
    def services(self, request: Request) -> Response:
        return self._answer(request, tables.services_table, out.ServicesTable)

    @documented(
        "sla",
        out.SlaTable,
        "SLA compliance",
        "Of the SLA clocks of the period's incidents that stopped (not canceled), the share "
        "that made their target: per target, overall and per priority.",
    )
    @action(detail=False, methods=["get"], url_path="sla")
    def sla(self, request: Request) -> Response:
        return self._answer(request, tables.sla_table, out.SlaTable)

    @documented(
        "changes",
        out.ChangesTable,
        "Change failure rate",
        "Changes closed in the period, how many failed (closed unsuccessful or caused an "
        "incident), overall and per type. Severity does not apply to changes.",
    )
    @action(detail=False, methods=["get"], url_path="changes")
    def changes(self, request: Request) -> Response:
        return self._answer(request, tables.changes_table, out.ChangesTable)
