"""The charts on the agents' home (``kernel.admin.home``): open incidents by priority,
created against resolved per day over the last two weeks (``metrics.flow``), and the
weekly MTTA and MTTR medians (``metrics.trend.weekly``, the reports page's own figures
over fewer weeks). Server-side SVG (``metrics.charts``): no script, nothing the CSP
refuses."""

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from kernel.admin.home import HomePanel, shared
from metrics import charts
from metrics.flow import Day, daily_flow, open_by_priority
from metrics.scope import Scope
from metrics.trend import TREND_MEASURES, Week, week_start, weekly

FLOW_DAYS = 14
TREND_WEEKS = 8
CSS = ("metrics/reports.css",)
FIGURE = '<figure class="home-chart">{}<figcaption>{}</figcaption></figure>'


def flow() -> list[Day]:
    return daily_flow(FLOW_DAYS)


def trend() -> list[Week]:
    """The weekly figures of the last ``TREND_WEEKS`` weeks, this one so far included."""
    now = timezone.now()
    scope = Scope(start=week_start(now) - timedelta(weeks=TREND_WEEKS - 1), end=now, now=now)
    return weekly(scope)


def _may_see(request: HttpRequest) -> bool:
    return request.user.has_perm("incidents.view_incident")


def priority_panel(request: HttpRequest) -> HomePanel | None:
    if not _may_see(request):
        return None
    counts = shared("open-by-priority", open_by_priority)
    chart = charts.bar_chart(
        "home-priority",
        "Open incidents by priority",
        [(priority.label, n) for priority, n in counts],
        charts.count,
        description="Open incidents (new, in progress, on hold) per priority.",
    )
    url = reverse("admin:incidents_incident_changelist")
    links = format_html_join(
        " · ",
        '<a href="{}?open=yes&amp;priority__exact={}">P{}: {}</a>',
        ((url, priority.value, priority.value, n) for priority, n in counts),
    )
    body = format_html(
        '<figure class="home-chart">{}<figcaption>{}</figcaption></figure>', chart, links
    )
    return HomePanel("Open incidents by priority", body, CSS)


def flow_panel(request: HttpRequest) -> HomePanel | None:
    if not _may_see(request):
        return None
    today = timezone.localdate()
    days = shared(f"flow:{today}:{timezone.get_current_timezone_name()}", flow)
    chart = charts.line_chart(
        "home-flow",
        f"Created and resolved, last {FLOW_DAYS} days",
        [day.day.strftime("%d %b") for day in days],
        [
            charts.Series("Created", [day.created for day in days], "series-1"),
            charts.Series("Resolved", [day.resolved for day in days], "series-3"),
        ],
        "incidents",
        charts.count,
        per="day",
    )
    created, resolved = sum(d.created for d in days), sum(d.resolved for d in days)
    caption = f"{created} created, {resolved} resolved in {FLOW_DAYS} days."
    body = format_html(
        '<figure class="home-chart">{}<figcaption>{}</figcaption></figure>', chart, caption
    )
    return HomePanel(f"Created and resolved, last {FLOW_DAYS} days", body, CSS)


def trend_panel(request: HttpRequest) -> HomePanel | None:
    if not (_may_see(request) and request.user.has_perm("metrics.view_incidentreport")):
        return None
    weeks = shared(f"trend:{week_start(timezone.now()).date()}", trend)
    mtta_at, mttr_at = TREND_MEASURES.index("mtta"), TREND_MEASURES.index("mttr_resolve")
    mtta = [week.measures[mtta_at].p50 for week in weeks]
    mttr = [week.measures[mttr_at].p50 for week in weeks]
    chart = charts.line_chart(
        "home-trend",
        "MTTA and MTTR, weekly medians",
        [week.label for week in weeks],
        [
            charts.Series("MTTA median", mtta, "series-1"),
            charts.Series("MTTR median", mttr, "series-3"),
        ],
        "hours",
        charts.hours,
    )
    caption = format_html(
        '<a href="{}">{}</a>', reverse("admin:metrics_incidentreport_changelist"), "All reports"
    )
    body = format_html(
        '<figure class="home-chart">{}<figcaption>{}</figcaption></figure>', chart, caption
    )
    return HomePanel("MTTA and MTTR trend", body, CSS)
