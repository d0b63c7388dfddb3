"""Setting on-call up: the rules the admin's forms and the API share for what is more than
one row (a rotation's members in turn order, a policy's ladder of levels).

Schedules, rotations and overrides are configuration, not audited records: they carry
no history of their own (the admin's log records who changed them there)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from oncall.models import EscalationLevel, EscalationPolicy, Rotation, RotationMember


def rotation_set_members(rotation: Rotation, user_ids: Sequence[int]) -> None:
    """The rotation's members in turn order (the first takes the first shift), replacing
    the old list. A person may take more than one turn in a cycle."""
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
