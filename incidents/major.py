"""Incident command on a major incident: who holds which role, and the incidents that
report the same outage (its children). Declaring and undeclaring are moves
(``incidents.workflow``); these are the other writes, each with its lock, history row
and timeline event."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from incidents.models import SINGLE_ROLES, WORK, Incident, IncidentRole, Role
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.notices import Audience, Notice, NoticeKind, audience
from kernel.workflow import lock, record_event, save_audited

if TYPE_CHECKING:
    from accounts.models import User


def role_holders(incident: Incident) -> dict[str, list["User"]]:
    """Every role's holders, in role order (one query)."""
    found: dict[str, list[User]] = {role: [] for role in Role.values}
    for row in incident.roles.select_related("user").order_by("assigned_at", "id"):
        found[row.role].append(row.user)
    return found


def role_holder(incident: Incident, role: str) -> "User | None":
    row = incident.roles.select_related("user").filter(role=role).order_by("id").first()
    return None if row is None else row.user


def _may_work(incident: Incident, by: "User | None") -> None:
    if by is not None and not by.has_perm(WORK):
        raise MoveForbidden(f"You may not edit {incident.number}.")


def _open_major(incident: Incident, doing: str) -> None:
    if not incident.is_open:
        raise MoveNotAllowed(
            f"Cannot {doing}: {incident.number} is {incident.get_status_display()}."
        )
    if not incident.is_major:
        raise MoveNotAllowed(
            f"Cannot {doing}: {incident.number} is not a major incident. Declare it first."
        )


def incident_assign_role(
    incident: Incident, *, by: "User | None", role: str, user: "User", reason: str = ""
) -> IncidentRole:
    """Name ``user`` to ``role`` (the commander, communications lead and scribe are one
    person each and are replaced; experts add up). The person named is told."""
    _may_work(incident, by)
    if role not in Role.values:
        raise MoveInvalid({"role": [f"Choose one of {', '.join(Role.values)}."]})
    if not (user.is_active and user.is_agent):
        raise MoveInvalid({"user": [f"{user} is not an active agent."]})
    label = Role(role).label
    with transaction.atomic():
        current = lock(incident)
        _open_major(current, f"name the {label.lower()}")
        rows = IncidentRole.objects.select_for_update().filter(incident=current, role=role)
        if role in SINGLE_ROLES:
            row = rows.select_related("user").first()
        else:
            row = rows.filter(user=user).first()
        if row is not None and row.user_id == user.pk:
            return row  # already so: nothing happened
        previous = None if row is None else row.user
        if row is None:
            row = IncidentRole(incident=current, role=role)
        row.user = user
        row.assigned_at = timezone.now()
        row.assigned_by = by
        save_audited(row, by=by, reason=reason or f"{label}: {user}")
        record_event(
            current,
            by=by,
            verb="role_assigned",
            body=reason,
            data={
                "role": role,
                "user": user.pk,
                "user_name": str(user),
                "previous": None if previous is None else str(previous),
            },
            notice=Notice(
                NoticeKind.ROLE_ASSIGNED,
                f"{user} is the {label.lower()}",
                audience(Audience.WATCHERS),
            ).naming([user.pk, None if previous is None else previous.pk]),
        )
    return row


def incident_remove_role(
    incident: Incident, *, by: "User | None", role: str, user: "User", reason: str = ""
) -> None:
    """Take ``role`` from ``user``; the person is told."""
    _may_work(incident, by)
    with transaction.atomic():
        current = lock(incident)
        row = (
            IncidentRole.objects.select_for_update()
            .filter(incident=current, role=role, user=user)
            .first()
        )
        if row is None:
            raise MoveInvalid({"user": [f"{user} does not hold that role on {current.number}."]})
        label = row.get_role_display()
        row._history_user = by  # type: ignore[attr-defined]
        row._change_reason = (reason or f"No longer {label.lower()}")[:100]  # type: ignore[attr-defined]
        row.delete()
        record_event(
            current,
            by=by,
            verb="role_removed",
            body=reason,
            data={"role": role, "user": user.pk, "user_name": str(user)},
            notice=Notice(
                NoticeKind.ROLE_ASSIGNED, f"{user} is no longer the {label.lower()}"
            ).naming([user.pk]),
        )


def _lock_pair(first: Incident, second: Incident) -> tuple[Incident, Incident]:
    """Both rows locked, lower id first: two agents linking crosswise cannot deadlock."""
    low, high = sorted((first, second), key=lambda incident: incident.pk)
    locked = {low.pk: lock(low), high.pk: lock(high)}
    return locked[first.pk], locked[second.pk]


def incident_link_major(child: Incident, *, by: "User | None", parent: Incident) -> Incident:
    """Make ``child`` report the same outage as the major incident ``parent``: it is
    resolved with it. Both timelines say so."""
    _may_work(child, by)
    if child.pk == parent.pk:
        raise MoveInvalid({"parent": ["An incident cannot be its own major incident."]})
    with transaction.atomic():
        current, major = _lock_pair(child, parent)
        _open_major(major, f"link {current.number} to {major.number}")
        if major.major_incident_id is not None:
            raise MoveInvalid({"parent": [f"{major.number} is itself a child incident."]})
        if not current.is_open:
            raise MoveNotAllowed(
                f"Cannot link {current.number}: it is {current.get_status_display()}."
            )
        if current.is_major or current.children.exists():
            raise MoveNotAllowed(
                f"Cannot link {current.number}: it is a major incident itself. "
                "Undeclare it and unlink its children first."
            )
        if current.major_incident_id == major.pk:
            return current
        previous = current.major_incident.number if current.major_incident else None
        current.major_incident = major
        save_audited(current, by=by, reason=f"Child of major incident {major.number}")
        data = {"parent": major.number, "child": current.number, "previous": previous}
        record_event(
            current,
            by=by,
            verb="linked_major",
            data=data,
            notice=Notice(
                NoticeKind.STATE_CHANGED,
                f"linked to major incident {major.number}",
                audience(Audience.ASSIGNEE),
            ),
        )
        record_event(major, by=by, verb="linked_major", data=data)
    return current


def incident_unlink_major(child: Incident, *, by: "User | None", reason: str = "") -> Incident:
    """``child`` no longer follows its major incident."""
    _may_work(child, by)
    with transaction.atomic():
        current = lock(child)
        if current.major_incident_id is None:
            raise MoveNotAllowed(f"Cannot unlink {current.number}: it has no major incident.")
        major = current.major_incident
        assert major is not None  # the foreign key is set: checked above
        current.major_incident = None
        save_audited(current, by=by, reason=reason or f"No longer a child of {major}")
        data = {"parent": major.number, "child": current.number}
        record_event(current, by=by, verb="unlinked_major", body=reason, data=data)
        record_event(major, by=by, verb="unlinked_major", body=reason, data=data)
    return current
