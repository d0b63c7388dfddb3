"""Setting on-call up: the rules the admin's forms and the API share for what is more than
one row (a rotation's members in turn order, a policy's ladder of levels) and for who may
lay an override where (``override_save``).

Schedules, rotations and overrides are configuration, not audited records: they carry
no history of their own (the admin's log records who changed them there)."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User, agents_q
from catalog.models import Team
from kernel.errors import MoveForbidden, MoveInvalid
from oncall.models import (
    EscalationLevel,
    EscalationPolicy,
    Override,
    Rotation,
    RotationMember,
    Schedule,
)
from oncall.schedules import YEARS


def members_refusal(user_ids: Sequence[int]) -> str:
    """Why these may not be a rotation's members in this order, or "": a person listed
    twice would take two turns a cycle, which a rota never means (a typo, or a pasted list
    repeated); PagerDuty's layers refuse it too. Swap shifts with an override instead."""
    repeated = [str(pk) for pk, count in Counter(user_ids).items() if count > 1]
    if not repeated:
        return ""
    return f"Each person takes one turn: user {', '.join(repeated)} is listed more than once."


def rotation_set_members(rotation: Rotation, user_ids: Sequence[int]) -> None:
    """The rotation's members in turn order (the first takes the first shift), replacing
    the old list. Raises ``MoveInvalid`` (``members``) for a person listed twice."""
    refusal = members_refusal(user_ids)
    if refusal:
        raise MoveInvalid({"members": [refusal]})
    with transaction.atomic():
        rotation.members.all().delete()
        RotationMember.objects.bulk_create(
            RotationMember(rotation=rotation, user_id=user_id, position=position)
            for position, user_id in enumerate(user_ids)
        )


# A day: a longer wait is a typo, not a policy (PagerDuty's limit is similar). The API
# and the console both refuse more.
MAX_DELAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Level:
    """One rung as a form or a request gives it: exactly one target, and a wait."""

    delay: timedelta
    schedule_id: int | None = None
    user_id: int | None = None
    team_manager: bool = False


def policy_set_levels(policy: EscalationPolicy, levels: Sequence[Level]) -> None:
    """The policy's ladder, in order, replacing the old one. Raises ``ValidationError``
    (keyed by the level's index) for a level without exactly one target or with too short
    a wait. A run in progress reads the new ladder at its next step."""
    rows = [
        EscalationLevel(
            policy=policy,
            position=position,
            delay=level.delay,
            schedule_id=level.schedule_id,
            user_id=level.user_id,
            team_manager=level.team_manager,
        )
        for position, level in enumerate(levels)
    ]
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        try:
            row.clean()
        except ValidationError as invalid:
            errors[str(index)] = invalid.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy.levels.all().delete()
        EscalationLevel.objects.bulk_create(rows)


# --- overrides ------------------------------------------------------------------------

# Holders shape every schedule (the managers' role): they may lay overrides on any.
SHAPE_ANY = "oncall.change_schedule"
COVER = "oncall.add_override"


def may_add_override(schedule: Schedule, user: User) -> bool:
    """Whether ``user`` may lay an override on ``schedule``: whoever shapes every schedule
    (``change_schedule``: managers, superusers), or an agent holding ``add_override`` who
    belongs to the schedule's team, as its member or its manager. As in PagerDuty's and
    Grafana OnCall's team roles, agents cover for each other on their own teams' rotas,
    not on anyone's."""
    if not user.is_active:
        return False
    if user.has_perm(SHAPE_ANY):
        return True
    return user.has_perm(COVER) and _in_team(schedule.team_id, user.pk)


def _in_team(team_id: int | None, user_id: int | None) -> bool:
    if team_id is None or user_id is None:
        return False
    return _team_of(team_id, user_id).exists()


def _team_of(team_id: int, user: Any) -> QuerySet[Team]:
    """The team ``team_id`` if ``user`` (an id, or ``OuterRef``) is its member or manager."""
    return Team.objects.filter(Q(members=user) | Q(manager=user), pk=team_id)


def cover_refusal(schedule: Schedule, user: User) -> str:
    """Why ``user`` may not cover ``schedule``'s shifts, or "": only an agent who is in
    the schedule's team (a member or its manager) or already takes turns on it. Paging
    someone from elsewhere would hand them a team's incidents they never signed up for."""
    # One query answers both: an agent? in the team? (no row: not an agent)
    in_team = (
        User.objects.filter(agents_q(), pk=user.pk)
        .annotate(in_team=Exists(_team_of(schedule.team_id or 0, OuterRef("pk"))))  # 0: none
        .values_list("in_team", flat=True)
        .first()
    )
    if in_team is None:
        return f"{user} is not an agent: only agents are on call."
    turns = RotationMember.objects.filter(rotation__schedule_id=schedule.pk, user_id=user.pk)
    if in_team or (schedule.pk is not None and turns.exists()):
        return ""
    return (
        f"{user} is not in {schedule.team}: only its members and manager, or those taking "
        "turns on this schedule, may cover its shifts. Add them to the team first."
    )


def override_check(override: Override, *, by: User) -> None:
    """The rules for laying ``override`` (new or changed) on its schedule, as ``by``:
    ``MoveForbidden`` when they may not, ``MoveInvalid`` (keyed by field) for a person
    who may not cover, a time outside ``YEARS`` or an end not after the start."""
    schedule = override.schedule
    if not may_add_override(schedule, by):
        raise MoveForbidden(
            f"Only {schedule.team}'s members and manager (or on-call managers) may add "
            f"overrides to {schedule}."
        )
    errors: dict[str, list[str]] = {}
    refusal = cover_refusal(schedule, override.user)
    if refusal:
        errors["user"] = [refusal]
    for name in ("starts_at", "ends_at"):
        moment = getattr(override, name)
        # The API's bounds (``oncall.api.config._instant``): year 1 to 9999 would cover
        # the rota for ever, as the latest override wins.
        if moment and _utc_year(moment) not in YEARS:
            errors[name] = [f"Stay between {YEARS[0]} and {YEARS[-1]}."]
    if override.starts_at and override.ends_at and override.ends_at <= override.starts_at:
        errors.setdefault("ends_at", ["The end must be after the start."])
    if errors:
        raise MoveInvalid(errors)


def _utc_year(moment: datetime) -> int:
    try:
        return moment.astimezone(UTC).year
    except OverflowError:  # 1 January of year 1 east of UTC, 31 December 9999 west of it
        return 0


def override_save(override: Override, *, by: User) -> Override:
    """Add (or change) an override after ``override_check``: the one way the console and
    the API write overrides."""
    override_check(override, by=by)
    override.save()
    return override
