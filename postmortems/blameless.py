"""The blameless-language check: sentences of a postmortem that name a person from the
incident (its roles, the authors of its timeline) followed by a blame verb ("Bob forgot
to renew the certificate"). A warning before review, never a refusal: the reviewers
decide. Systems fail; the review asks how, not who."""

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

if TYPE_CHECKING:
    from accounts.models import User
    from postmortems.models import Postmortem

BLAME = (
    "caused",
    "causes",
    "broke",
    "breaks",
    "forgot",
    "forgets",
    "failed to",
    "fails to",
    "should have",
    "shouldn't have",
    "should not have",
    "neglected",
    "missed",
    "ignored",
    "overlooked",
    "messed up",
    "screwed up",
    "didn't check",
    "did not check",
    "was careless",
    "is to blame",
    "was to blame",
    "blame",
    "fault",
    "mistakenly",
    "carelessly",
)
_BLAME = re.compile(
    r"\b(" + "|".join(re.escape(verb).replace(r"\ ", r"\s+") for verb in BLAME) + r")\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Warning:
    section: str
    """The field the sentence is in ("root_causes", "description", ...)."""
    sentence: str
    person: str
    """The name as written."""
    phrase: str
    """The blame verb that follows it."""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def names_of(people: Iterable["User"]) -> list[str]:
    """The ways each person may be named: full name, first, last, username; longest
    first so "Bob Smith" is reported rather than "Bob"."""
    names: set[str] = set()
    for person in people:
        full = f"{person.first_name} {person.last_name}".strip()
        for name in (full, person.first_name, person.last_name, person.username):
            if name and len(name.strip()) >= 2:
                names.add(name.strip())
    return sorted(names, key=lambda name: (-len(name), name.lower()))


def people_of(postmortem: "Postmortem") -> list["User"]:
    """Everyone the incident names: its role holders and its timeline's authors."""
    incident = postmortem.incident
    authors = incident.timeline.exclude(author=None).order_by().values_list("author_id", flat=True)
    ids = set(authors.distinct())
    ids.update(incident.roles.values_list("user_id", flat=True))
    users = get_user_model()._default_manager.filter(pk__in=ids)
    return list(users.only("username", "first_name", "last_name"))


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCES.split(text) if part.strip()]


def check_text(section: str, text: str, names: list[str]) -> list[Warning]:
    if not names or not text.strip():
        return []
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    found = []
    for sentence in sentences(text):
        person = pattern.search(sentence)
        if person is None:
            continue
        blame = _BLAME.search(sentence, person.end())
        if blame is not None:
            found.append(Warning(section, sentence, person.group(1), blame.group(1)))
    return found


def texts_of(postmortem: "Postmortem") -> list[tuple[str, str]]:
    """(field, text) of everything people write in a review."""
    texts = [
        ("description", postmortem.description),
        ("customer_impact", postmortem.customer_impact),
    ]
    texts += [(key, text) for key, _, text in postmortem.section_texts()]
    return texts


def blameless_warnings(postmortem: "Postmortem") -> list[Warning]:
    names = names_of(people_of(postmortem))
    return [w for field, text in texts_of(postmortem) for w in check_text(field, text, names)]


def warnings_data(postmortem: "Postmortem") -> list[dict[str, Any]]:
    """The warnings as the API and the timeline event carry them."""
    return [warning.as_dict() for warning in blameless_warnings(postmortem)]
