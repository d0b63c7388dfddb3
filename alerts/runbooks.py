"""Runbooks: what to do about an alert, written in Markdown by managers and read by agents
on the incident's change form, in the API and from the page email.

``render`` turns a runbook's Markdown into HTML safe to show in the console: markdown-it-py
(CommonMark, raw HTML off) writes it, then nh3 keeps only a short list of tags and
attributes and only web and mail links. ``find`` finds the runbooks of an incident:
those matching its alerts first (by alert name or label matchers), then those of its
service, then the ``runbook_url`` annotations the alerts carry themselves (Alertmanager's
convention)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from alerts.models import Alert, Runbook
from incidents.models import Incident, Source
from kernel.notices import ReferenceLink

# CommonMark, with raw HTML in the source shown as text rather than passed through.
# Images become links to them: a runbook should not load pictures from anywhere into the
# console (a tracking pixel), and the link keeps what the author pointed at.
_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")

# What CommonMark writes, less images; nothing that runs, styles or embeds.
TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
WEB_SCHEMES = frozenset({"http", "https"})

# The annotation Alertmanager rules carry their runbook's address in.
RUNBOOK_ANNOTATION = "runbook_url"
# At most this many ``runbook_url`` annotations are shown: a storm of alerts carries the
# same few, and a panel should not list hundreds.
MAX_EXTERNAL = 5


def render(markdown: str) -> SafeString:
    """``markdown`` as HTML that can go into a page unescaped. Links open without telling
    the target where they came from (``rel="noopener noreferrer"``); ``javascript:`` and
    ``data:`` links lose their address."""
    html = _markdown.render(markdown)
    clean = nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308  # nosec B308 B703 (nh3 has just reduced it to the allow-list above)


@dataclass(frozen=True)
class RunbookLink:
    """A runbook to show for an incident: one of ours (``runbook`` set; ``url`` is its
    reading page) or an address an alert gave in its ``runbook_url`` annotation."""

    title: str
    url: str
    runbook: Runbook | None = None


@dataclass(frozen=True)
class Found:
    """An incident's runbooks: ours, best match first, and its alerts' own addresses."""

    runbooks: list[Runbook]
    external: list[RunbookLink]


def find(incident: Incident, *, with_body: bool = True) -> Found:
    """The runbooks of ``incident``: those for one of its alerts' names or whose label
    matchers all match one of its alerts first, then those linked to its service (by title
    within each); then the ``runbook_url`` annotations of its alerts, web addresses only.

    Two queries whatever the number of its alerts, one for an incident not from monitoring
    (only alerts open those), none for one without a service either. The matching is done
    here rather than with PostgreSQL's jsonb containment, so the SQLite of ``make run``
    reads the same: the first query reads the candidate runbooks, the second the distinct
    values of just the labels they name among the incident's alerts."""
    from_alerts = incident.source == Source.MONITORING
    if incident.service_id is None and not from_alerts:
        return Found([], [])
    candidates = list(_candidates(incident, from_alerts=from_alerts, with_body=with_body))
    if not from_alerts:
        return Found(candidates, [])
    keys = sorted({key for runbook in candidates for key in runbook.matchers})
    rows = _alert_rows(incident, keys)
    matched = [runbook for runbook in candidates if any(_matches(runbook, row) for row in rows)]
    seen = {runbook.pk for runbook in matched}
    on_service = [
        runbook
        for runbook in candidates
        if getattr(runbook, "on_service", False) and runbook.pk not in seen
    ]
    return Found([*matched, *on_service], _external(rows))


def _candidates(incident: Incident, *, from_alerts: bool, with_body: bool) -> QuerySet[Runbook]:
    """Runbooks linked to the incident's service (``on_service``) and, for an incident from
    monitoring, every runbook naming alerts or labels."""
    on_service: Exists | Value = Value(False)
    if incident.service_id is not None:
        on_service = Exists(
            Runbook.services.through.objects.filter(
                runbook_id=OuterRef("pk"), service_id=incident.service_id
            )
        )
    wanted = Q(on_service=True)
    if from_alerts:
        wanted |= ~Q(alert_names=[]) | ~Q(matchers={})
    runbooks = Runbook.objects.annotate(on_service=on_service).filter(wanted)
    return (runbooks if with_body else runbooks.defer("body")).order_by("title", "id")


class AlertFacts(NamedTuple):
    """What the matching reads of one alert: its name, its ``runbook_url`` annotation and
    the labels the candidates' matchers name."""

    name: str | None
    url: str | None
    labels: dict[str, str | None]


def _alert_rows(incident: Incident, keys: list[str]) -> list[AlertFacts]:
    columns = {
        "_name": KeyTextTransform("alertname", "labels"),
        "_url": KeyTextTransform(RUNBOOK_ANNOTATION, "annotations"),
        **{f"_label{n}": KeyTextTransform(key, "labels") for n, key in enumerate(keys)},
    }
    found = (
        Alert.objects.filter(incident_id=incident.pk)
        .annotate(**columns)
        .values_list(*columns)
        .order_by()
        .distinct()
    )
    return [AlertFacts(row[0], row[1], dict(zip(keys, row[2:], strict=True))) for row in found]


def _matches(runbook: Runbook, alert: AlertFacts) -> bool:
    if alert.name is not None and alert.name in runbook.alert_names:
        return True
    matchers = runbook.matchers
    return bool(matchers) and all(
        alert.labels.get(key) == str(value) for key, value in matchers.items()
    )


def _external(rows: list[AlertFacts]) -> list[RunbookLink]:
    links: dict[str, RunbookLink] = {}
    for alert in sorted(rows, key=lambda alert: (alert.url or "", alert.name or "")):
        if alert.url is None or alert.url in links or not is_web_address(alert.url):
            continue
        title = f"{alert.name} (from the alert)" if alert.name else alert.url
        links[alert.url] = RunbookLink(title, alert.url)
        if len(links) == MAX_EXTERNAL:
            break
    return list(links.values())


def runbooks_for(incident: Incident) -> list[Runbook]:
    """Our runbooks for ``incident``, best match first (see ``find``)."""
    return find(incident).runbooks


def is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def reading_path(runbook: Runbook) -> str:
    """Where agents read ``runbook``: a console page (staff login required)."""
    return reverse("admin:alerts_runbook_read", args=[runbook.pk])


def reading_url(runbook: Runbook) -> str:
    """``reading_path`` as an absolute address, for mail."""
    return settings.SITE_URL.rstrip("/") + reading_path(runbook)


def links_for(incident: Incident, *, with_body: bool = True) -> list[RunbookLink]:
    """Every runbook of ``incident`` as a link: ours, then its alerts' own (``find``)."""
    found = find(incident, with_body=with_body)
    ours = [
        RunbookLink(runbook.title, reading_path(runbook), runbook) for runbook in found.runbooks
    ]
    return [*ours, *found.external]


def page_links(data: Mapping[str, Any]) -> list[ReferenceLink]:
    """The runbook a page email links to: the incident's first, found when the mail is
    sent (so a runbook written after the page was queued is there)."""
    if data.get("model") != Incident._meta.model_name or not data.get("number"):
        return []
    incident = (
        Incident.objects.only("pk", "service_id", "source").filter(number=data["number"]).first()
    )
    if incident is None:
        return []
    links = links_for(incident, with_body=False)
    if not links:
        return []
    first = links[0]
    url = reading_url(first.runbook) if first.runbook is not None else first.url
    return [ReferenceLink(f"Runbook: {first.title}", url)]
