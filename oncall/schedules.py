"""Who is on call at time T, and the shifts ahead (for the iCalendar feed).

Hand-offs are wall-clock times in the schedule's time zone: a 09:00 hand-off stays at
09:00 local across DST changes, so a shift that spans a change is 23 or 25 hours (daily)
or 167 or 169 hours (weekly) long. Counting whole local days, not elapsed hours, is what
keeps it so."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from oncall.models import Override, Rotation, Schedule


@dataclass(frozen=True)
class Shift:
    user_id: int
    starts_at: datetime
    ends_at: datetime
    override: bool = False


def _local(day: date, rotation: Rotation, tz: ZoneInfo) -> datetime:
    """The hand-off instant on ``day``, in UTC: Python subtracts two datetimes sharing a
    tzinfo by wall clock, which would make every shift across a DST change 24 h."""
    return datetime.combine(day, rotation.handoff_time, tzinfo=tz).astimezone(UTC)


def rotation_shift(
    rotation: Rotation, members: list[int], at: datetime, tz: ZoneInfo
) -> Shift | None:
    """The rotation's shift holding ``at``, or None before it starts or with no members."""
    if not members:
        return None
    local = at.astimezone(tz)
    days = (local.date() - rotation.starts_on).days
    if local.time() < rotation.handoff_time:
        days -= 1  # before today's hand-off: still yesterday's shift
    if days < 0:
        return None
    index = days // rotation.days
    first_day = rotation.starts_on + timedelta(days=index * rotation.days)
    return Shift(
        user_id=members[index % len(members)],
        starts_at=_local(first_day, rotation, tz),
        ends_at=_local(first_day + timedelta(days=rotation.days), rotation, tz),
    )


def _rotation_at(rotations: list[Rotation], at: datetime, tz: ZoneInfo) -> Rotation | None:
    started = [r for r in rotations if _local(r.starts_on, r, tz) <= at]
    return max(started, key=lambda r: (r.starts_on, r.pk), default=None)


def _members(rotation: Rotation) -> list[int]:
    return [m.user_id for m in rotation.members.all()]


def on_call(schedule: Schedule, at: datetime) -> Shift | None:
    """Who holds ``schedule`` at ``at``: the latest override covering it, else the rotation
    in force."""
    override = (
        Override.objects.filter(schedule=schedule, starts_at__lte=at, ends_at__gt=at)
        .order_by("-id")
        .first()
    )
    if override is not None:
        return Shift(override.user_id, override.starts_at, override.ends_at, override=True)
    tz = schedule.tz
    rotations = list(schedule.rotations.prefetch_related("members"))
    rotation = _rotation_at(rotations, at, tz)
    return rotation_shift(rotation, _members(rotation), at, tz) if rotation else None


def shifts(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """Rotation shifts between ``start`` and ``end`` with the overrides laid over them
    (an override cuts the rotation shift it covers into the parts before and after)."""
    tz = schedule.tz
    rotations = list(schedule.rotations.prefetch_related("members"))
    base: list[Shift] = []
    cursor = start
    while cursor < end and len(base) < 1000:
        rotation = _rotation_at(rotations, cursor, tz)
        shift = rotation_shift(rotation, _members(rotation), cursor, tz) if rotation else None
        if shift is None:
            upcoming = [_local(r.starts_on, r, tz) for r in rotations]
            later = [t for t in upcoming if t > cursor]
            if not later:
                break
            cursor = min(later)
            continue
        # A newer rotation may begin inside this shift and cut it short.
        starts = [_local(r.starts_on, r, tz) for r in rotations]
        boundary = min([t for t in starts if cursor < t < shift.ends_at], default=shift.ends_at)
        base.append(Shift(shift.user_id, max(shift.starts_at, cursor), boundary))
        cursor = boundary
    overrides = list(
        Override.objects.filter(schedule=schedule, starts_at__lt=end, ends_at__gt=start).order_by(
            "id"
        )
    )
    for override in overrides:
        cut: list[Shift] = []
        for shift in base:
            if shift.ends_at <= override.starts_at or shift.starts_at >= override.ends_at:
                cut.append(shift)
                continue
            if shift.starts_at < override.starts_at:
                cut.append(
                    Shift(shift.user_id, shift.starts_at, override.starts_at, shift.override)
                )
            if shift.ends_at > override.ends_at:
                cut.append(Shift(shift.user_id, override.ends_at, shift.ends_at, shift.override))
        cut.append(Shift(override.user_id, override.starts_at, override.ends_at, override=True))
        base = sorted(cut, key=lambda s: s.starts_at)
    return base
