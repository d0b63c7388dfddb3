"""A change's risk, derived from the answers to a few questions (as ServiceNow's risk
assessment does), so that the level always comes with the answers that led to it."""

from collections.abc import Mapping
from typing import Any

from changes.models import Risk

# question -> (text, the answer that adds risk)
QUESTIONS: dict[str, tuple[str, bool]] = {
    "tested": ("Was it tested in a production-like environment?", False),
    "backout_possible": ("Can it be backed out within the window?", False),
    "done_before": ("Has the team made this change before?", False),
    "downtime": ("Does it need downtime?", True),
    "many_users": ("Could it affect more than a hundred users?", True),
}


def unknown_questions(answers: Mapping[str, Any]) -> list[str]:
    return sorted(set(answers) - set(QUESTIONS))


def assess_risk(answers: Mapping[str, Any]) -> str:
    """Low with at most one risky answer, high with four or more; an unanswered question
    counts as risky, since nobody vouched for it."""
    risky = sum(
        1
        for name, (_, bad) in QUESTIONS.items()
        if answers.get(name) is None or bool(answers[name]) == bad
    )
    if risky <= 1:
        return Risk.LOW
    if risky >= 4:
        return Risk.HIGH
    return Risk.MODERATE
