"""An iCalendar (RFC 5545) feed of a schedule's shifts, written by hand: it is a dozen
lines of text and not worth a dependency."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from oncall.models import Schedule
from oncall.schedules import shifts

FEED_DAYS = 60


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def schedule_calendar(schedule: Schedule, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    found = shifts(schedule, now - timedelta(days=7), now + timedelta(days=FEED_DAYS))
    names = {
        user.pk: str(user)
        for user in get_user_model().objects.filter(pk__in={s.user_id for s in found})
    }
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//servicedesk//on-call//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(str(schedule))}",
    ]
    for shift in found:
        who = names.get(shift.user_id, "?")
        summary = f"On call: {who}" + (" (override)" if shift.override else "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:oncall-{schedule.pk}-{shift.user_id}-{_stamp(shift.starts_at)}@servicedesk",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(shift.starts_at)}",
            f"DTEND:{_stamp(shift.ends_at)}",
            f"SUMMARY:{_escape(summary)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
