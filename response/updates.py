"""Stakeholder updates on a major incident and the stakeholders who hear the internal ones.

The communications lead (or the commander, or a manager: ``response.add_stakeholderupdate``)
posts an internal update (a timeline event telling the stakeholders and the watchers) or a
public one (through ``statuspage.workflow.status_update_post``, which records and mails
its own); each says when the next is due, and that moves the cadence
(``response.cadence``)."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import Team
from incidents.major import role_holders
from incidents.models import Incident, Role
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.notices import Audience, Notice, NoticeKind, audience
from kernel.workflow import lock, record_event, save_audited
from response.cadence import cadence_set, default_next_due
from response.models import Stakeholder, StakeholderUpdate, UpdateAudience
from statuspage.enums import Phase
from statuspage.models import PublicIncident
from statuspage.workflow import BODY_MAX, status_update_post

if TYPE_CHECKING:
    from accounts.models import User

POST_PERMISSION = "response.add_stakeholderupdate"
UPDATE_VERB = "stakeholder_update"
LEADS = (Role.COMMUNICATIONS, Role.COMMANDER)


def may_lead(incident: Incident, user: "User") -> bool:
    """Whether ``user`` speaks for the incident: its communications lead or commander, or
    anyone allowed to post updates on every major incident (managers)."""
    if user.has_perm(POST_PERMISSION):
        return True
    holders = role_holders(incident)
    return any(user.pk == holder.pk for role in LEADS for holder in holders.get(role, ()))


def _check(incident: Incident, by: "User") -> None:
    if not may_lead(incident, by):
        raise MoveForbidden(
            f"Only the communications lead or the commander may do this on {incident.number}."
        )
    if not incident.is_major:
        raise MoveNotAllowed(f"{incident.number} is not a major incident: declare it first.")


def stakeholder_update_post(
    incident: Incident,
    *,
    by: "User",
    body: str,
    public: bool = False,
    phase: str | None = None,
    next_update_due: datetime | None = None,
    title: str | None = None,
) -> StakeholderUpdate:
    """Post an update on a major incident: internal (to its stakeholders and watchers) or
    public (on the status page, ``phase`` defaulting to its current one). The next one is
    due at ``next_update_due``, by default one cadence length from now (by severity).
    Raises ``MoveForbidden``, ``MoveNotAllowed`` or ``MoveInvalid``."""
    body = (body or "").strip()
    with transaction.atomic():
        # Two leads posting at once serialize here; the cadence ends at the later one's.
        current = lock(incident)
        _check(current, by)
        now = timezone.now()
        errors: dict[str, list[str]] = {}
        if not body:
            errors["body"] = ["Write the update."]
        elif len(body) > BODY_MAX:
            errors["body"] = [f"Keep it under {BODY_MAX} characters."]
        if next_update_due is not None and next_update_due <= now:
            errors["next_update_due"] = ["The next update is due in the future."]
        if errors:
            raise MoveInvalid(errors)
        due = next_update_due or default_next_due(current, now)
        update = StakeholderUpdate(
            incident=current,
            audience=UpdateAudience.PUBLIC if public else UpdateAudience.INTERNAL,
            body=body,
            author=by,
            created_at=now,
            next_update_due=due,
        )
        if public:
            update.status_update = status_update_post(
                current, by=by, body=body, phase=phase or _current_phase(current), title=title
            )
            save_audited(update, by=by, reason="Public update posted")
        else:
            save_audited(update, by=by, reason="Internal update posted")
            record_event(
                current,
                by=by,
                verb=UPDATE_VERB,
                body=body,
                data={
                    "update": update.pk,
                    "audience": update.audience,
                    "next_update_due": due.isoformat(),
                },
                notice=Notice(
                    NoticeKind.STAKEHOLDER_UPDATE,
                    "stakeholder update",
                    audience=audience(Audience.WATCHERS),
                    shows=("next_update_due",),
                ).naming(stakeholder_user_ids(current)),
            )
        cadence_set(current, due)
    return update


def _current_phase(incident: Incident) -> str:
    public = PublicIncident.objects.filter(incident=incident).only("phase").first()
    return public.phase if public is not None else Phase.INVESTIGATING


def stakeholder_user_ids(incident: Incident) -> set[int]:
    """The stakeholder users and the members of the stakeholder teams, in one query."""
    stakeholders = Stakeholder.objects.filter(incident=incident).order_by()
    users = get_user_model().objects.filter(
        Q(pk__in=stakeholders.values("user_id")) | Q(teams__in=stakeholders.values("team_id"))
    )
    return set(users.order_by().values_list("pk", flat=True).distinct())


def stakeholder_add(
    incident: Incident, *, by: "User", user: "User | None" = None, team: Team | None = None
) -> Stakeholder:
    """Make ``user`` or ``team`` (one of them) a stakeholder of the major incident."""
    if (user is None) == (team is None):
        raise MoveInvalid({"user": ["Name a user or a team (one of them)."]})
    with transaction.atomic():
        current = lock(incident)
        _check(current, by)
        existing = Stakeholder.objects.filter(incident=current, user=user, team=team).first()
        if existing is not None:
            raise MoveNotAllowed(f"{existing} is already a stakeholder of {current.number}.")
        stakeholder = Stakeholder(incident=current, user=user, team=team, added_by=by)
        try:
            with transaction.atomic():
                save_audited(stakeholder, by=by, reason="Stakeholder added")
        except IntegrityError as exc:  # the incident lock makes this a safety net only
            raise MoveNotAllowed(f"Already a stakeholder of {current.number}.") from exc
        record_event(
            current,
            by=by,
            verb="stakeholder_added",
            data={"stakeholder": stakeholder.pk, "name": str(user or team)},
        )
    return stakeholder


def stakeholder_remove(incident: Incident, *, by: "User", stakeholder: Stakeholder) -> None:
    """``stakeholder`` hears no more internal updates of the incident (history keeps it)."""
    with transaction.atomic():
        current = lock(incident)
        _check(current, by)
        if stakeholder.incident_id != current.pk:
            raise MoveInvalid({"stakeholder": ["Not a stakeholder of this incident."]})
        name = str(stakeholder)
        stakeholder._history_user = by  # type: ignore[attr-defined]
        stakeholder._change_reason = "Stakeholder removed"  # type: ignore[attr-defined]
        stakeholder.delete()
        record_event(current, by=by, verb="stakeholder_removed", data={"name": name})
