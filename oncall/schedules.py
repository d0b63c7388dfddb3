"""Who is on call at time T, and the shifts ahead (for the iCalendar feed).

Hand-offs are wall-clock times in the schedule's time zone: a 09:00 hand-off stays at
09:00 local across DST changes, so a shift that spans a change is 23 or 25 hours (daily)
or 167 or 169 hours (weekly) long. Counting whole local days, not elapsed hours, is what
keeps it so."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from oncall.models import Override, Rotation, Schedule

# The years a rotation may start and a window or an override may reach: shift arithmetic
# stays far from datetime's limits (years 1 and 9999), where it would overflow.
YEARS = range(1970, 9001)


@dataclass(frozen=True)
class Shift:
    user_id: int
    starts_at: datetime
    ends_at: datetime
    override: bool = False
    # The shift's identity, whatever window it is read through: the rotation, its natural
    # start and the member, or the override; a part left after an override names it too.
    # The iCalendar feed's UIDs are made of it, so calendar apps never see a shift twice.
    key: str = ""


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
    user_id = members[index % len(members)]
    starts_at = _local(first_day, rotation, tz)
    return Shift(
        user_id=user_id,
        starts_at=starts_at,
        ends_at=_local(first_day + timedelta(days=rotation.days), rotation, tz),
        key=f"r{rotation.pk}-{_stamp(starts_at)}-u{user_id}",
    )


def _rotation_at(rotations: list[Rotation], at: datetime, tz: ZoneInfo) -> Rotation | None:
    started = [r for r in rotations if _local(r.starts_on, r, tz) <= at]
    return max(started, key=lambda r: (r.starts_on, r.pk), default=None)


def _members(rotation: Rotation) -> list[int]:
    return [m.user_id for m in rotation.members.all()]


def on_call(schedule: Schedule, at: datetime) -> Shift | None:
    """Who holds ``schedule`` at ``at``: the latest override covering it, else the rotation
    in force."""
    return on_call_each([schedule], at)[schedule.pk]


def on_call_each(schedules: Sequence[Schedule], at: datetime) -> dict[int, Shift | None]:
    """``on_call`` for several schedules (a list page, a team's schedules) in three
    queries, however many there are."""
    ids = [schedule.pk for schedule in schedules]
    overrides: dict[int, Override] = {}
    covering = Override.objects.filter(schedule_id__in=ids, starts_at__lte=at, ends_at__gt=at)
    for override in covering.order_by("-id"):
        overrides.setdefault(override.schedule_id, override)
    rotations: dict[int, list[Rotation]] = defaultdict(list)
    for each in Rotation.objects.filter(schedule_id__in=ids).prefetch_related("members"):
        rotations[each.schedule_id].append(each)
    found: dict[int, Shift | None] = {}
    for schedule in schedules:
        if schedule.pk in overrides:
            found[schedule.pk] = _override_shift(overrides[schedule.pk])
            continue
        tz = schedule.tz
        rotation = _rotation_at(rotations[schedule.pk], at, tz)
        found[schedule.pk] = (
            rotation_shift(rotation, _members(rotation), at, tz) if rotation else None
        )
    return found


def _override_shift(override: Override) -> Shift:
    return Shift(
        override.user_id, override.starts_at, override.ends_at, override=True, key=f"o{override.pk}"
    )


def shifts(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """The shifts that overlap ``start`` to ``end``, whole (the first may begin before
    ``start``: a window never changes a shift), with the overrides laid over them (an
    override cuts the rotation shift it covers into the parts before and after)."""
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
        base.append(Shift(shift.user_id, shift.starts_at, boundary, key=shift.key))
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
                cut.append(replace(shift, ends_at=override.starts_at))
            if shift.ends_at > override.ends_at:
                after = f"{shift.key}-after-o{override.pk}"
                cut.append(replace(shift, starts_at=override.ends_at, key=after))
        cut.append(_override_shift(override))
        base = sorted(cut, key=lambda s: s.starts_at)
    return base
