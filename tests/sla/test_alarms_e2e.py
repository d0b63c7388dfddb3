"""Must show 3 of issue 14, through a real Celery beat and worker on Redis against
PostgreSQL: a clock with a six-second target on a 24x7 calendar gets its warning and its
breach exactly once each, however often beat sweeps (every second here), and the right
people are told (the assignee and the group; the group's manager only on the breach); a
clock paused on hold for the caller fires nothing."""

import re
import time
from decimal import Decimal
from typing import Any

import pytest

from catalog.models import Team
from incidents.models import Incident
from incidents.workflow import incident_create, incident_move
from notifications.enums import Channel, EventKind
from notifications.models import Notification
from sla.models import Calendar, Clock, SlaDefinition, Target, TargetUnit
from tests.conftest import _user
from tests.notifications.conftest import (  # noqa: F401 (fixtures used by name)
    broker_url,
    database_url,
    mail_dir,
    spawn_worker,
)
from tests.notifications.harness import Process, read_mail, wait_until

TASK = "sla.tasks.fire_sla_alarms"


def runs(worker: Process) -> list[int]:
    """What each finished sweep returned (alarms told), oldest first."""
    found = re.findall(
        rf"Task {re.escape(TASK)}\[[^\]]+\] succeeded in [^:]+: (\d+)", worker.output()
    )
    return [int(told) for told in found]


def verbs(incident: Incident) -> list[str]:
    return list(
        incident.timeline.filter(verb__startswith="sla_")
        .order_by("id")
        .values_list("verb", flat=True)
    )


def subjects(folder: Any, to: str) -> list[str]:
    """Subjects of the mails the worker sent to ``to`` (a long header comes folded)."""
    return [" ".join(m["Subject"].split()) for m in read_mail(folder) if m["To"] == to]


def told(kind: str) -> set[str]:
    mails = Notification.objects.filter(kind=kind, channel=Channel.EMAIL)
    return {n.recipient.username for n in mails.select_related("recipient")}


@pytest.mark.django_db(transaction=True)
def test_warning_and_breach_once_each_through_beat_and_worker(
    broker_url: str,  # noqa: F811
    spawn_worker: Any,  # noqa: F811
    mail_dir: Any,  # noqa: F811
    agent: Any,
    other_agent: Any,
    caller: Any,
) -> None:
    mona = _user("mona", groups=("Managers",), staff=True)
    desk = Team.objects.create(name="Mail team", manager=mona)
    desk.members.add(agent, other_agent)  # the manager is not a member: what she hears is hers
    always = Calendar.objects.create(name="24x7", always_on=True)
    # Six seconds to resolve: warned after 4 s (75 %), breached after 6 s.
    SlaDefinition.objects.create(
        name="Seconds", calendar=always, unit=TargetUnit.MINUTES, resolution_target=Decimal("0.10")
    )
    worker = spawn_worker(broker_url, SLA_ALARM_INTERVAL="1")
    started = time.monotonic()

    def log(title: str) -> Incident:
        return incident_create(
            by=agent, title=title, caller=caller, assignment_group=desk, assigned_to=other_agent
        )

    racing = log("Mail is down")
    waiting = incident_move(log("Printer jams"), "hold", by=agent, hold_reason="awaiting_caller")

    assert wait_until(lambda: "sla_breach" in verbs(racing), timeout=20), worker.output()[-3000:]
    # Three more sweeps after the breach: each finds nothing left to tell.
    after = len(runs(worker))
    assert wait_until(lambda: len(runs(worker)) >= after + 3, timeout=10)

    assert verbs(racing) == ["sla_warning", "sla_breach"]
    assert verbs(waiting) == []
    clock = Clock.objects.get(incident=racing, target=Target.RESOLUTION)
    assert clock.warned_at == clock.warn_at and clock.breached_at == clock.breach_at
    assert (clock.breach_at - clock.started_at).total_seconds() == 6
    assert (clock.warn_at - clock.started_at).total_seconds() == 4
    paused = Clock.objects.get(incident=waiting, target=Target.RESOLUTION)
    assert paused.warned_at is None and paused.breached_at is None
    assert sum(runs(worker)) == 2  # one warning, one breach, across every sweep

    assert told(EventKind.SLA_WARNING) == {"alice", "bob"}
    assert told(EventKind.SLA_BREACH) == {"alice", "bob", "mona"}
    # The worker mailed them: Mona once, about the breach only.
    assert wait_until(
        lambda: len([m for m in read_mail(mail_dir) if "SLA" in m["Subject"]]) == 5, timeout=10
    )
    assert subjects(mail_dir, mona.email) == [
        f"[{racing.number}] Mail is down: resolution SLA breached"
    ]
    to_bob = subjects(mail_dir, other_agent.email)
    assert any(re.search(r"resolution SLA at 75 % \(due \d\d:\d\d UTC\)$", s) for s in to_bob)
    print(f"warning and breach through beat + worker in {time.monotonic() - started:.1f} s")
