"""From a sender's body to alerts, groups and incidents: the one way alerts are written.

``receive(integration, body)`` runs in one transaction:

1. The body's digest is claimed (``Delivery``): the same body again is a replay and changes
   nothing, so a sender's retry after a lost answer cannot double a count or a page.
2. Each alert gets its grouping key (``group_key``), and the keys are handled in sorted
   order, so two bodies touching the same groups lock them in the same order.
3. A key's open group is read under a row lock. None yet, and an alert fires: unless a
   silence or a change window covers it, a group is created (the partial unique constraint
   makes one winner among concurrent posts; the others wait on it, then lock the winner's)
   and its incident is logged through ``incident_create``, which pages through the service's
   escalation policy. A group whose incident was resolved or closed is closed on the way:
   the same key then opens a new incident.
4. Each alert is added or updated; a timeline entry at most once per
   ``ALERT_TIMELINE_SECONDS`` per alert, none while it flaps.
5. When every alert of the group is resolved, the incident is resolved through its workflow
   (if the integration says so); until then the assignee hears which alerts still fire.

A storm is mostly one alert firing again in its open incident: on PostgreSQL that body is
steps 1 to 4 in one statement, a transaction by itself (``_repeat_in_one_statement``),
and only what that statement cannot take (a new alert, a resolve, a timeline entry due, a
flapping alert, a replay) goes the long way.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from psycopg.types.json import Jsonb

from alerts.models import (
    Alert,
    AlertGroup,
    AlertSeverity,
    AlertStatus,
    Delivery,
    GroupBy,
    Integration,
    RoutingRule,
    Silence,
)
from alerts.payloads import Action, Incoming, parse
from catalog.models import Service
from changes.maintenance import maintaining_q
from changes.models import Change
from incidents.models import OPEN_STATES, Incident, ResolutionCode, Severity, Source
from incidents.workflow import incident_create, incident_move, incident_resolve, incident_update
from kernel.enums import Impact, Urgency
from kernel.errors import WorkflowError
from kernel.notices import Audience, Notice, NoticeKind, audience
from kernel.workflow import record_event

# What an alert's severity means for its incident, unless a routing rule says otherwise.
SEVERITY_MAPPING: dict[str, tuple[int, int, int]] = {
    AlertSeverity.CRITICAL: (Impact.HIGH, Urgency.HIGH, Severity.SEV2),
    AlertSeverity.ERROR: (Impact.MEDIUM, Urgency.MEDIUM, Severity.SEV3),
    AlertSeverity.WARNING: (Impact.MEDIUM, Urgency.LOW, Severity.SEV4),
    AlertSeverity.INFO: (Impact.LOW, Urgency.LOW, Severity.SEV4),
}
RESOLVED_NOTES = "All alerts resolved."
# The assignee (else the group) hears how the incident's alerts stand when some resolve.
ALERTS_NOTICE = Notice(
    NoticeKind.STATE_CHANGED,
    "alerts resolved, some still firing",
    audience=audience(Audience.ASSIGNEE_OR_GROUP),
)
MAX_KEY = 255


@dataclass
class Receipt:
    """What a body did: for the sender's answer and for tests."""

    alerts: int
    dedup_key: str = ""
    replay: bool = False
    opened: list[str] = field(default_factory=list)
    """Numbers of the incidents this body opened."""
    suppressed: int = 0


def receive(integration: Integration, body: bytes, document: Any = None) -> Receipt:
    """Record the alerts of ``body`` (already checked to come from ``integration``'s
    sender). Raises ``alerts.payloads.PayloadInvalid`` for a body that is no payload of the
    integration's kind, ``ValueError`` for one that is no JSON."""
    if document is None:
        document = json.loads(body)
    incoming = parse(integration.kind, document, body)
    receipt = Receipt(alerts=len(incoming), dedup_key=incoming[0].dedup_key if incoming else "")
    now = timezone.now()
    batches: dict[str, list[Incoming]] = defaultdict(list)
    for item in incoming:
        batches[_key_of(integration, item)].append(item)
    digest = hashlib.sha256(body).hexdigest()
    repeat = _lone_firing(batches)
    if repeat is not None and _repeat_in_one_statement(integration, digest, *repeat, now):
        return receipt
    with transaction.atomic():
        if not _claim(integration, digest, now) and _still_a_replay(integration, digest, now):
            receipt.replay = True
            return receipt
        run = _Run(integration, now, receipt)
        # Every group of the body is locked (or created) in key order before any incident
        # is opened: opening one takes the numbering lock, and two bodies taking group
        # locks on both sides of it could deadlock.
        keys = sorted(batches)
        prepared = [run.prepare(key, batches[key]) for key in keys]
        for key, group in zip(keys, prepared, strict=True):
            if group is not None:
                run.apply(group, batches[key])
        _remember(integration, digest, run)
    return receipt


def _key_of(integration: Integration, item: Incoming) -> str:
    """``group_key``, except for an acknowledge or a resolve, which carries no labels (an
    Events v2 event has only its ``dedup_key``): it goes to the open group holding that
    alert, whatever the integration groups by."""
    if item.action != Action.TRIGGER and integration.group_by != GroupBy.ALERT:
        key = (
            Alert.objects.filter(
                integration=integration, dedup_key=item.dedup_key, group__open=True
            )
            .values_list("group__key", flat=True)
            .first()
        )
        if key is not None:
            return key
    return group_key(integration, item)


def _lone_firing(batches: dict[str, list[Incoming]]) -> tuple[str, Incoming] | None:
    """The storm's commonest body: one alert, firing (on PostgreSQL, where
    ``_repeat_in_one_statement`` can take it)."""
    if connection.vendor != "postgresql" or len(batches) != 1:
        return None
    [(key, items)] = batches.items()
    if len(items) != 1 or items[0].action != Action.TRIGGER:
        return None
    return key, items[0]


def _repeat_in_one_statement(
    integration: Integration, digest: str, key: str, item: Incoming, now: datetime
) -> bool:
    """The storm's commonest body in one statement, a transaction by itself: if the alert
    is firing again in its open incident, not flapping and its timeline entry not due, and
    the body is not a replay, claim its digest (``_claim``, ``_remember``) and record the
    firing there (``_Batch.fire``: ``refresh`` and one more count). True if it did; else it
    wrote nothing, and the general path takes the body (and tells a replay). Locks the
    group row first, like the general path, so the two serialize on it, then the alert row,
    whose state is read again once a concurrent writer has committed; a concurrent twin
    waits on the digest's unique index and then claims nothing."""
    delivery, alert, group, incident = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Delivery, Alert, AlertGroup, Incident)
    )
    quiet_since = now - timedelta(seconds=settings.ALERT_TIMELINE_SECONDS)
    params: list[Any] = [
        integration.pk,
        key,
        list(OPEN_STATES),
        item.dedup_key,
        AlertStatus.FIRING,
        quiet_since,
        integration.pk,
        digest,
        now,
        now,
        item.summary[:1024],
        item.severity,
        Jsonb(item.labels),
        Jsonb(item.annotations),
        item.starts_at,
        item.generator_url,
        Jsonb(bounded(item.raw)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH g AS (
                SELECT g.id FROM {group} g JOIN {incident} i ON i.id = g.incident_id
                WHERE g.integration_id = %s AND g.key = %s AND g.open
                  AND i.status = ANY(%s)
                FOR UPDATE OF g
            ), e AS (
                SELECT a.id FROM {alert} a JOIN g ON a.group_id = g.id
                WHERE a.dedup_key = %s AND a.status = %s AND NOT a.flapping
                  AND a.noted_at > %s
                FOR UPDATE OF a
            ), d AS (
                INSERT INTO {delivery} (integration_id, digest, received_at, group_id)
                SELECT %s, %s, %s, (SELECT id FROM g) WHERE EXISTS (SELECT 1 FROM e)
                ON CONFLICT (integration_id, digest) DO NOTHING
                RETURNING 1
            ), u AS (
                UPDATE {alert} a SET count = a.count + 1, last_seen = %s, summary = %s,
                    severity = %s, labels = %s, annotations = %s,
                    starts_at = COALESCE(%s, a.starts_at), generator_url = %s, raw = %s
                WHERE a.id IN (SELECT id FROM e) AND EXISTS (SELECT 1 FROM d)
                RETURNING a.id
            )
            SELECT count(*) FROM u
            """,  # noqa: S608 (table names from the models; values are parameters)  # nosec B608
            params,
        )
        (recorded,) = cursor.fetchone()
    return bool(recorded)


def group_key(integration: Integration, item: Incoming) -> str:
    """The key whose alerts share one open incident."""
    if integration.group_by == GroupBy.LABELS and integration.group_labels:
        key = ",".join(f"{name}={item.labels.get(name, '')}" for name in integration.group_labels)
    elif integration.group_by == GroupBy.GROUP_KEY and item.group_key:
        key = item.group_key
    else:
        key = item.dedup_key
    if len(key) > MAX_KEY:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _claim(integration: Integration, digest: str, now: datetime) -> bool:
    """Claim the body's digest; False if it was received before."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (integration_id, digest, received_at) VALUES (%s, %s, %s) "  # noqa: S608 (names, not input)  # nosec B608
            "ON CONFLICT (integration_id, digest) DO NOTHING",
            [integration.pk, digest, now],
        )
        return bool(cursor.rowcount == 1)


def _still_a_replay(integration: Integration, digest: str, now: datetime) -> bool:
    """A body received before is a replay while the incident it went to is open (or when
    it went to several, or was silenced). Once that incident is resolved or closed, the same
    body is news: the claim is renewed for this delivery."""
    seen = (
        Delivery.objects.select_for_update(of=("self",))
        .filter(integration=integration, digest=digest)
        .values_list("group_id", "group__open", "group__incident__status")
        .first()
    )
    if seen is None:
        # Purged in between: claim it afresh.
        return not _claim(integration, digest, now)
    group_id, group_open, status = seen
    if group_id is None or (group_open and status in OPEN_STATES):
        return True
    # Deliveries and alerts keep no history (they are the record of what senders sent).
    Delivery.objects.filter(integration=integration, digest=digest).update(
        group=None, received_at=now
    )
    return False


def _remember(integration: Integration, digest: str, run: "_Run") -> None:
    """Note which group the body went to (its replays are replays while that group's
    incident is open); a body that changed nothing keeps no claim (an acknowledge of an
    alert not yet seen counts when it comes again)."""
    touched = run.touched
    if len(touched) == 1:
        Delivery.objects.filter(integration=integration, digest=digest).update(
            group=next(iter(touched))
        )
    elif not touched and not run.receipt.suppressed:
        Delivery.objects.filter(integration=integration, digest=digest).delete()


def purge_deliveries(now: datetime | None = None) -> int:
    """Forget digests older than ``ALERT_REPLAY_HOURS`` (hourly, from Celery beat)."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.ALERT_REPLAY_HOURS)
    deleted, _ = Delivery.objects.filter(received_at__lt=cutoff).delete()
    return deleted


@dataclass
class Route:
    service: Service | None
    impact: int
    urgency: int
    severity: int


class _Run:
    """One body's work, with what it reads once (rules, silences, windows) kept."""

    def __init__(self, integration: Integration, now: datetime, receipt: Receipt) -> None:
        self.integration = integration
        self.now = now
        self.receipt = receipt
        self._rules: list[RoutingRule] | None = None
        self._silences: list[Silence] | None = None
        self._maintained: dict[int, str] | None = None
        self.touched: set[int] = set()
        """The groups (ids) this body went to."""
        self.firing: dict[int, list[Incoming]] = {}
        """New groups' first firing alerts, for their incidents."""

    # --- one key -------------------------------------------------------------------------

    def prepare(self, key: str, items: list[Incoming]) -> AlertGroup | None:
        """The key's open group, locked; a new one (its incident not yet opened) if an alert
        fires that no silence or change window covers; None if there is nothing to do."""
        group = self.open_group(key)
        if group is not None:
            return group
        self.resolve_ungrouped([i for i in items if i.action == Action.RESOLVE])
        firing = [item for item in items if item.action == Action.TRIGGER]
        firing = [item for item in firing if not self.suppress(item)]
        if not firing:
            return None  # acknowledge or resolve of nothing open: nothing to do
        group = self.create_group(key)
        if group.incident is None:
            self.firing[group.pk] = firing
        return group

    def apply(self, group: AlertGroup, items: list[Incoming]) -> None:
        if group.incident is None:
            group.incident = self.open_incident(self.firing.pop(group.pk))
            group.save(update_fields=["incident"])
            self.receipt.opened.append(group.incident.number)
        self.touched.add(group.pk)
        batch = _Batch(self, group, items)
        for item in items:
            if item.action == Action.TRIGGER:
                batch.fire(item)
            elif item.action == Action.RESOLVE:
                batch.resolve(item)
            else:
                self.acknowledge(group, item)
        batch.write()
        if batch.resolved_some:
            settle_group(self.integration, group, group.incident, self.now)

    def open_group(self, key: str) -> AlertGroup | None:
        """The key's open group, locked; one whose incident is no longer open is closed
        here (resolved or closed incidents take no more alerts)."""
        group = (
            AlertGroup.objects.select_for_update(of=("self",))
            .select_related("incident")
            .filter(integration=self.integration, key=key, open=True)
            .first()
        )
        if group is None:
            return None
        if group.incident is None or group.incident.status not in OPEN_STATES:
            close_group(group, self.now)
            return None
        return group

    def create_group(self, key: str) -> AlertGroup:
        """A new open group for ``key`` (its incident is opened later), or the one another
        post created first."""
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    return AlertGroup.objects.create(integration=self.integration, key=key)
            except IntegrityError:
                # Another post created it first: it has committed by now (the insert waited
                # for it), so lock and use it.
                found = self.open_group(key)
                if found is not None:
                    return found
        raise RuntimeError(f"No open alert group for {key!r} after three attempts.")

    # --- the incident --------------------------------------------------------------------

    def open_incident(self, firing: list[Incoming]) -> Incident:
        first = firing[0]
        route = self.route(first)
        starts = [item.starts_at for item in firing if item.starts_at is not None]
        return incident_create(
            by=None,
            title=title_of(first),
            description=describe(first, self.integration),
            source=Source.MONITORING,
            service=route.service,
            impact=route.impact,
            urgency=route.urgency,
            severity=route.severity,
            # A sender's clock ahead of ours must not make time to detect negative.
            detected_at=min([*starts, self.now]),
        )

    def route(self, item: Incoming) -> Route:
        """The integration's service and the severity's mapping, overridden by the first
        matching rule that sets each."""
        impact, urgency, severity = SEVERITY_MAPPING[item.severity]
        chosen: dict[str, Any] = {}
        for rule in self.rules():
            if item.labels.get(rule.label) != rule.value:
                continue
            for name in ("service", "impact", "urgency", "severity"):
                value = getattr(rule, name)
                if value is not None:
                    chosen.setdefault(name, value)
        return Route(
            service=chosen.get("service", self.integration.service),
            impact=chosen.get("impact", impact),
            urgency=chosen.get("urgency", urgency),
            severity=chosen.get("severity", severity),
        )

    def rules(self) -> list[RoutingRule]:
        if self._rules is None:
            self._rules = list(self.integration.rules.select_related("service"))
        return self._rules

    # --- suppression ---------------------------------------------------------------------

    def suppress(self, item: Incoming) -> bool:
        """Record an alert a silence or a change window covers, without an incident."""
        service = self.route(item).service
        reason = self.silenced(item, service) or self.maintained(service)
        if not reason:
            return False
        self.receipt.suppressed += 1
        alert = self.suppressed_alert(item.dedup_key)
        if alert is None:
            before = previous_changes(self.integration, {item.dedup_key})
            alert = new_alert(self.integration, None, item, self.now, before)
            alert.suppressed = reason[:200]
            try:
                with transaction.atomic():
                    alert.save()
                return True
            except IntegrityError:
                # Another post recorded it first (and has committed): add to that one.
                alert = self.suppressed_alert(item.dedup_key)
                assert alert is not None
        refresh(alert, item, self.now)
        alert.count += 1
        alert.suppressed = reason[:200]
        alert.save()
        return True

    def suppressed_alert(self, dedup_key: str) -> Alert | None:
        return (
            Alert.objects.select_for_update()
            .filter(integration=self.integration, dedup_key=dedup_key, group__isnull=True)
            .first()
        )

    def silenced(self, item: Incoming, service: Service | None) -> str:
        if self._silences is None:
            self._silences = list(
                Silence.objects.filter(starts_at__lte=self.now, ends_at__gt=self.now)
            )
        for silence in self._silences:
            if silence.service_id is not None and (
                service is None or silence.service_id != service.pk
            ):
                continue
            if all(item.labels.get(k) == v for k, v in silence.matchers.items()):
                return f"Silenced: {silence.reason}"
        return ""

    def maintained(self, service: Service | None) -> str:
        if service is None:
            return ""
        if self._maintained is None:
            rows = Change.objects.filter(maintaining_q(self.now)).values_list("services", "number")
            self._maintained = {pk: number for pk, number in rows if pk is not None}
        number = self._maintained.get(service.pk)
        return f"Maintenance: {number}" if number else ""

    # --- alerts --------------------------------------------------------------------------

    def resolve_ungrouped(self, items: list[Incoming]) -> None:
        """Alerts end whose incident is over (or which had none): the record says so."""
        if not items:
            return
        ended = {item.dedup_key: item.ends_at or self.now for item in items}
        for ends_at in set(ended.values()):
            keys = [key for key, when in ended.items() if when == ends_at]
            Alert.objects.filter(
                integration=self.integration, dedup_key__in=keys, status=AlertStatus.FIRING
            ).filter(Q(group__isnull=True) | Q(group__open=False)).update(
                status=AlertStatus.RESOLVED, ends_at=ends_at, last_seen=self.now
            )

    def acknowledge(self, group: AlertGroup, item: Incoming) -> None:
        """Events v2 acknowledge: the incident is acknowledged through its workflow (which
        stops paging). Never reopens or un-resolves anything: a move the incident's state
        does not allow is simply not made."""
        Alert.objects.filter(
            group=group, dedup_key=item.dedup_key, acknowledged_at__isnull=True
        ).update(acknowledged_at=self.now)
        incident = group.incident
        assert incident is not None
        with suppress(WorkflowError):  # acknowledged already, or no longer open
            incident_move(incident, "acknowledge", by=None)


# What a later firing or a resolve may change on an alert row.
WRITTEN = (
    "status",
    "summary",
    "severity",
    "labels",
    "annotations",
    "starts_at",
    "ends_at",
    "generator_url",
    "last_seen",
    "count",
    "flapping",
    "changes",
    "noted_at",
    "raw",
)
# More timeline entries than this from one body become one entry per kind of news.
NOTES_PER_BODY = 5


class _Batch:
    """One key's alerts in one body: read in one query, written in one or two."""

    def __init__(self, run: _Run, group: AlertGroup, items: list[Incoming]) -> None:
        assert group.incident is not None
        self.run, self.group, self.incident = run, group, group.incident
        self.integration, self.now = run.integration, run.now
        keys = {item.dedup_key for item in items}
        self.known = {a.dedup_key: a for a in Alert.objects.filter(group=group, dedup_key__in=keys)}
        self.stored = {
            a.pk: {name: getattr(a, name) for name in WRITTEN} for a in self.known.values()
        }
        fresh = {i.dedup_key for i in items if i.action == Action.TRIGGER} - self.known.keys()
        self.previous = previous_changes(self.integration, fresh) if fresh else {}
        self.new: dict[str, Alert] = {}
        self.touched: dict[str, Alert] = {}
        self.notes: list[tuple[Alert, str, str]] = []
        self.resolved_some = False

    def find(self, key: str) -> Alert | None:
        return self.known.get(key) or self.new.get(key)

    def fire(self, item: Incoming) -> None:
        alert = self.find(item.dedup_key)
        if alert is None:
            alert = new_alert(self.integration, self.group, item, self.now, self.previous)
            self.new[alert.dedup_key] = alert
            if alert.flapping:
                self.note(alert, "alert_flapping", flapping_words(alert, self.integration))
            self.note(alert, "alert_fired", f"{alert.name} fired: {alert.summary}")
            return
        refired = alert.status == AlertStatus.RESOLVED
        refresh(alert, item, self.now)
        alert.count += 1
        if refired:
            self.change(alert)
            self.note(alert, "alert_fired", f"{alert.name} fired again.")
        else:
            if alert.flapping and not is_flapping(alert, self.integration, self.now):
                alert.flapping = False
                self.note(alert, "alert_settled", f"{alert.name} settled.")
            quiet = timedelta(seconds=settings.ALERT_TIMELINE_SECONDS)
            if alert.noted_at is None or self.now - alert.noted_at >= quiet:
                self.note(alert, "alert_firing", f"{alert.name} still firing.")
        self.touch(alert)

    def resolve(self, item: Incoming) -> None:
        alert = self.find(item.dedup_key)
        if alert is None or alert.status == AlertStatus.RESOLVED:
            return  # never seen firing here, or a resolve sent again
        alert.status = AlertStatus.RESOLVED
        alert.ends_at = item.ends_at or self.now
        alert.last_seen = self.now
        self.change(alert)
        self.note(alert, "alert_resolved", f"{alert.name} resolved.")
        self.touch(alert)
        self.resolved_some = True

    def touch(self, alert: Alert) -> None:
        if alert.pk is not None:
            self.touched[alert.dedup_key] = alert

    def change(self, alert: Alert) -> None:
        """It fired or resolved: count the change; above the integration's limit it flaps."""
        was = alert.flapping
        count_change(alert, self.integration, self.now)
        if alert.flapping and not was:
            self.note(alert, "alert_flapping", flapping_words(alert, self.integration))

    def note(self, alert: Alert, verb: str, body: str) -> None:
        """A timeline entry about ``alert``, unless it flaps (only the news that it does)."""
        if alert.flapping and verb != "alert_flapping":
            return
        self.notes.append((alert, verb, body))
        alert.noted_at = self.now

    def write(self) -> None:
        if self.new:
            Alert.objects.bulk_create(self.new.values(), batch_size=500)
        self.write_touched()
        self.write_notes()
        starts = [alert.starts_at for alert in self.new.values()]
        earliest = min(starts, default=None)
        impact_started = self.incident.impact_started_at
        if earliest is not None and impact_started is not None:
            # Set by a person: detection is not before it (the milestones' order), and the
            # sender's post must not be refused for it.
            earliest = max(earliest, impact_started)
        if earliest is not None and earliest < (self.incident.detected_at or self.now):
            incident_update(
                self.incident,
                by=None,
                changes={"detected_at": earliest},
                reason="An alert in it started earlier",
            )

    def write_touched(self) -> None:
        """Alerts changed the same way (a group sent again: one more firing each, nothing
        else new) are written by one UPDATE; each alert changed its own way by its own."""
        same: dict[str, tuple[list[int], dict[str, Any]]] = {}
        for alert in self.touched.values():
            before = self.stored[alert.pk]
            values: dict[str, Any] = {
                name: getattr(alert, name)
                for name in WRITTEN
                if name != "count" and getattr(alert, name) != before[name]
            }
            values["count"] = F("count") + (alert.count - before["count"])
            shape = json.dumps(
                {k: v for k, v in values.items() if k != "count"}, sort_keys=True, default=str
            ) + str(alert.count - before["count"])
            same.setdefault(shape, ([], values))[0].append(alert.pk)
        for ids, values in same.values():
            # Alerts keep no history rows: the timeline entries above say what changed.
            for chunk in range(0, len(ids), 1000):
                Alert.objects.filter(pk__in=ids[chunk : chunk + 1000]).update(**values)

    def write_notes(self) -> None:
        if len(self.notes) <= NOTES_PER_BODY:
            for alert, verb, body in self.notes:
                record_event(
                    self.incident,
                    by=None,
                    verb=verb,
                    body=body,
                    data={"alert": alert.name, "dedup_key": alert.dedup_key, "count": alert.count},
                )
            return
        by_verb: dict[str, list[Alert]] = defaultdict(list)
        for alert, verb, _ in self.notes:
            by_verb[verb].append(alert)
        for verb, alerts in by_verb.items():
            names = sorted({alert.name for alert in alerts})
            shown = ", ".join(names[:10]) + (
                f" and {len(names) - 10} more" if len(names) > 10 else ""
            )
            record_event(
                self.incident,
                by=None,
                verb=verb,
                body=f"{len(alerts)} alerts: {shown}.",
                data={"alerts": len(alerts)},
            )


def previous_changes(integration: Integration, keys: set[str]) -> dict[str, list[str]]:
    """The recent changes of each key's latest alert: a key seen before (in an earlier
    incident) keeps them, so a flapping alert is known as one across the incidents it opens."""
    rows = (
        Alert.objects.filter(integration=integration, dedup_key__in=keys)
        .order_by("dedup_key", "-id")
        .values_list("dedup_key", "changes")
    )
    found: dict[str, list[str]] = {}
    for key, changes in rows:
        found.setdefault(key, changes)
    return found


def new_alert(
    integration: Integration,
    group: AlertGroup | None,
    item: Incoming,
    now: datetime,
    previous: dict[str, list[str]],
) -> Alert:
    alert = Alert(
        integration=integration,
        group=group,
        incident=group.incident if group is not None else None,
        kind=integration.kind,
        dedup_key=item.dedup_key,
        first_seen=now,
        changes=list(previous.get(item.dedup_key, [])),
    )
    refresh(alert, item, now)
    alert.count = 1
    count_change(alert, integration, now)
    return alert


def refresh(alert: Alert, item: Incoming, now: datetime) -> None:
    """What every firing carries: the latest words, labels and times."""
    alert.status = AlertStatus.FIRING
    alert.summary = item.summary[:1024]
    alert.severity = item.severity
    alert.labels = item.labels
    alert.annotations = item.annotations
    alert.starts_at = item.starts_at or alert.starts_at or now
    alert.ends_at = None
    alert.generator_url = item.generator_url
    alert.last_seen = now
    alert.raw = bounded(item.raw)


def count_change(alert: Alert, integration: Integration, now: datetime) -> None:
    window = timedelta(minutes=integration.flap_minutes)
    recent = [t for t in _times(alert.changes) if t > now - window]
    recent.append(now)
    alert.changes = [t.isoformat() for t in recent[-(integration.flap_changes + 1) :]]
    alert.flapping = len(recent) > integration.flap_changes


def flapping_words(alert: Alert, integration: Integration) -> str:
    return (
        f"{alert.name} is flapping (more than {integration.flap_changes} changes in "
        f"{integration.flap_minutes} minutes): no more entries until it settles."
    )


def settle_group(
    integration: Integration, group: AlertGroup, incident: Incident, now: datetime
) -> None:
    """Resolve ``group``'s incident if all its alerts are resolved and none flaps; tell the
    assignee which alerts still fire otherwise. The group must be locked."""
    alerts = list(
        Alert.objects.filter(group=group).values_list("labels", "summary", "status", "flapping")
    )
    firing = [
        labels.get("alertname") or summary
        for labels, summary, status, _ in alerts
        if status == AlertStatus.FIRING
    ]
    if firing:
        record_event(
            incident,
            by=None,
            verb="alerts_firing",
            body="Still firing: " + ", ".join(sorted(set(firing))[:20]),
            data={"firing": len(firing), "alerts": len(alerts)},
            notice=ALERTS_NOTICE,
        )
        return
    if not integration.resolve_incidents or any(flapping for *_, flapping in alerts):
        return  # a person resolves it; or a flapping alert's sweep does once it settles
    with suppress(WorkflowError):  # resolved or closed by someone already
        incident_resolve(
            incident,
            by=None,
            resolution_code=ResolutionCode.CLEARED_BY_MONITORING,
            resolution_notes=RESOLVED_NOTES,
        )
    close_group(group, now)


def close_group(group: AlertGroup, now: datetime) -> None:
    group.open = False
    group.closed_at = now
    group.save(update_fields=["open", "closed_at"])


def settle_flapping(now: datetime | None = None) -> int:
    """Alerts that stopped flapping (no change for the integration's window) flap no more,
    and the incidents they held open resolve if all their alerts are resolved. Celery beat
    runs it every minute; returns how many alerts settled."""
    now = now or timezone.now()
    settled = 0
    candidates = (
        Alert.objects.filter(flapping=True)
        .select_related("integration")
        .only("pk", "changes", "group_id", "integration")
    )
    for candidate in candidates.iterator(chunk_size=200):
        if is_flapping(candidate, candidate.integration, now):
            continue
        with transaction.atomic():
            group = (
                AlertGroup.objects.select_for_update(of=("self",))
                .select_related("incident")
                .filter(pk=candidate.group_id or 0, open=True)
                .first()
            )
            alert = Alert.objects.select_for_update().get(pk=candidate.pk)
            if not alert.flapping or is_flapping(alert, candidate.integration, now):
                continue
            alert.flapping = False
            alert.save(update_fields=["flapping"])
            settled += 1
            if group is not None and group.incident is not None:
                record_event(
                    group.incident, by=None, verb="alert_settled", body=f"{alert.name} settled."
                )
                if (
                    group.incident.status in OPEN_STATES
                    and not Alert.objects.filter(group=group, status=AlertStatus.FIRING).exists()
                ):
                    settle_group(candidate.integration, group, group.incident, now)
    return settled


def is_flapping(alert: Alert, integration: Integration, now: datetime) -> bool:
    window = timedelta(minutes=integration.flap_minutes)
    recent = [t for t in _times(alert.changes) if t > now - window]
    return len(recent) > integration.flap_changes


def _times(values: Iterable[str]) -> list[datetime]:
    return [datetime.fromisoformat(value) for value in values]


# --- words -----------------------------------------------------------------------------------


def title_of(item: Incoming) -> str:
    name = item.labels.get("alertname", "")
    title = f"{name}: {item.summary}" if name and name != item.summary else item.summary
    return title[:200]


def describe(item: Incoming, integration: Integration) -> str:
    lines = [item.summary, "", f"From {integration} ({integration.get_kind_display()})."]
    lines.append(f"Severity: {item.severity}.")
    if item.labels:
        lines.append("Labels: " + ", ".join(f"{k}={v}" for k, v in sorted(item.labels.items())))
    for name in ("description", "runbook_url", "dashboard_url", "panel_url"):
        value = item.annotations.get(name)
        if isinstance(value, str) and value and value != item.summary:
            lines.append(f"{name.replace('_', ' ').capitalize()}: {value}")
    if item.generator_url:
        lines.append(f"Source: {item.generator_url}")
    return "\n".join(lines)[:50_000]


def bounded(raw: dict[str, Any]) -> dict[str, Any]:
    """The alert as sent, unless its JSON is over ``ALERT_RAW_MAX_BYTES``: then its head."""
    text = json.dumps(raw, separators=(",", ":"))
    limit = settings.ALERT_RAW_MAX_BYTES
    if len(text) <= limit:
        return raw
    return {"truncated": True, "size": len(text), "head": text[:limit]}
