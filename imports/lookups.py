"""The records an import points at, found or created in bulk once per batch: people, teams,
categories and subcategories, locations, configuration items, services (found only: a
service needs an owner the source does not name), problems and changes.

People: one user per source person id, username ``<format>.<slug>.<hash>`` (the id
lower-cased, runs of other characters than a-z and 0-9 made one ``-``, at most 100
characters; then the first 8 hex digits of the id's SHA-256, so two ids that slug alike
stay two people), first name the id as the source wrote it (what the admin shows),
no usable password, not staff. A snapshot of our own desk (``Case.snapshot``, the
``servicedesk`` format) names people by username: found by it, created under it."""

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from simple_history.utils import bulk_create_with_history

from catalog.models import Category, ConfigurationItem, Location, Service, Team
from changes.models import Change
from imports.bulk import allocate_ids, write_rows
from imports.formats.base import Case
from imports.models import ImportedChange, ImportedProblem
from kernel.enums import Impact, Urgency
from kernel.numbering import next_numbers
from kernel.priority import priority_for
from problems.models import Problem

PEOPLE = ("caller", "assigned_to")
NAMED = {
    "assignment_group": "teams",
    "location": "locations",
    "configuration_item": "configuration items",
}
NAME_LENGTH = 100


def username_for(source: str, person: str) -> str:
    """The user a source person id becomes (see the module's docstring)."""
    plain = unicodedata.normalize("NFKD", person).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:NAME_LENGTH] or "person"
    digest = hashlib.sha256(person.encode()).hexdigest()[:8]
    return f"{source}.{slug}.{digest}"


class Lookups:
    """Names seen so far and the ids they stand for, for one run (a batch that fails ends
    the run; a dry run rolls back only at its end)."""

    def __init__(self, source: str, label: str) -> None:
        self.source, self.label = source, label
        self.users: dict[str, int] = {}
        self.named: dict[str, dict[str, int]] = {kind: {} for kind in NAMED.values()}
        self.categories: dict[str, int] = {}
        self.subcategories: dict[tuple[str, str], int] = {}
        self.category_names: dict[int, str] = {}
        self.services: dict[str, int | None] = {}
        self.problems: dict[str, tuple[int, str]] = {}
        self.changes: dict[str, tuple[int, str]] = {}
        self.members: set[tuple[str, str]] = set()
        """(group, person) pairs already made members in this run."""
        self.created: Counter[str] = Counter()

    # --- reading, during the replay ------------------------------------------------------

    def user(self, person: str) -> int | None:
        return self.users.get(person) if person else None

    def reference(self, name: str, value: Any, category: str | None) -> int | None:
        """The id a reference field's source value stands for (``None`` for no value)."""
        if value in (None, ""):
            return None
        value = str(value)
        if name in PEOPLE:
            return self.users[value]
        if name == "category":
            return self.categories[value[:NAME_LENGTH]]
        if name == "subcategory":
            return self.subcategories.get(((category or "")[:NAME_LENGTH], value[:NAME_LENGTH]))
        if name == "service":
            return self.services.get(value)
        return self.named[NAMED[name]][value[:NAME_LENGTH]]

    # --- finding and creating, once per batch --------------------------------------------

    def prepare(self, cases: Iterable[Case]) -> None:
        people: set[str] = set()
        named: dict[str, set[str]] = {kind: set() for kind in NAMED.values()}
        categories: set[str] = set()
        subcategories: set[tuple[str, str]] = set()
        services: set[str] = set()
        members: set[tuple[str, str]] = set()
        problems: set[str] = set()
        changes: set[str] = set()
        own: set[str] = set()  # people of a snapshot of our own desk: usernames
        for case in cases:
            if case.snapshot:
                own.update([case.opened_by, *(u.by for u in case.updates)])
                own.update(
                    str(u.fields[n]) for u in case.updates for n in PEOPLE if u.fields.get(n)
                )
            people.add(case.opened_by)
            category = ""
            group = ""
            previous: dict[str, Any] | None = None
            for update in case.updates:
                people.add(update.by)
                fields = update.fields
                if fields == previous:
                    continue  # the same fields as the update before: nothing new to find
                previous = fields
                for name in PEOPLE:
                    if fields.get(name):
                        people.add(str(fields[name]))
                for name, kind in NAMED.items():
                    if fields.get(name):
                        named[kind].add(str(fields[name])[:NAME_LENGTH])
                if "category" in fields:
                    category = str(fields["category"] or "")[:NAME_LENGTH]
                    if category:
                        categories.add(category)
                if category and fields.get("subcategory"):
                    subcategories.add((category, str(fields["subcategory"])[:NAME_LENGTH]))
                if fields.get("service"):
                    services.add(str(fields["service"]))
                if "assignment_group" in fields:
                    group = str(fields["assignment_group"] or "")[:NAME_LENGTH]
                if group and fields.get("assigned_to"):
                    members.add((group, str(fields["assigned_to"])))
            problems.update(case.problems)
            changes.update(case.changes)
            if case.caused_by:
                changes.add(case.caused_by)
        people.discard("")
        own.discard("")
        categories.discard("")
        self._people(people - own - self.users.keys())
        self._people(own - self.users.keys(), as_usernames=True)
        self._named(Team, "teams", named["teams"])
        self._named(Location, "locations", named["locations"])
        self._named(ConfigurationItem, "configuration items", named["configuration items"])
        self._categories(categories, subcategories)
        self._services(services - self.services.keys())
        self._members(members)
        self._problems(problems - self.problems.keys())
        self._changes(changes - self.changes.keys())

    def _people(self, people: set[str], *, as_usernames: bool = False) -> None:
        if not people:
            return
        user_model = get_user_model()
        wanted = {
            person if as_usernames else username_for(self.source, person): person
            for person in people
        }
        found = user_model.objects.filter(username__in=wanted).values_list("username", "id")
        for username, pk in found:
            self.users[wanted.pop(username)] = pk
        if not wanted:
            return
        # One unusable hash for all: "!" marks it unusable whatever follows.
        unusable = make_password(None)
        # Copied in, ids taken first, like the incidents: a batch of a big log meets
        # thousands of new people, and ``bulk_create`` prepares every value in Python.
        # Users keep no history rows; no signal is sent, as ``bulk_create`` sends none.
        fields = user_model._meta.concrete_fields
        ids = allocate_ids(user_model, len(wanted))
        rows = []
        for pk, (username, person) in zip(ids, wanted.items(), strict=True):
            user = user_model(pk=pk, username=username, first_name=person[:150], password=unusable)
            rows.append([getattr(user, f.attname) for f in fields])
            self.users[person] = pk
        write_rows(user_model, [str(f.column) for f in fields], rows)
        self.created["users"] += len(rows)

    def _named(self, model: Any, kind: str, names: set[str]) -> None:
        known = self.named[kind]
        missing = names - known.keys()
        if not missing:
            return
        for name, pk in model.objects.filter(name__in=missing).values_list("name", "id"):
            known[name] = pk
        new = [model(name=name) for name in sorted(missing - known.keys())]
        if new:
            for record in bulk_create_with_history(new, model, default_change_reason="Imported"):
                known[record.name] = record.pk
            self.created[kind] += len(new)

    def _categories(self, top: set[str], subs: set[tuple[str, str]]) -> None:
        missing = top - self.categories.keys()
        if missing:
            found = Category.objects.filter(parent=None, name__in=missing)
            for name, pk in found.values_list("name", "id"):
                self.categories[name] = pk
            new = [Category(name=name) for name in sorted(missing - self.categories.keys())]
            if new:
                for record in bulk_create_with_history(
                    new, Category, default_change_reason="Imported"
                ):
                    self.categories[record.name] = record.pk
                self.created["categories"] += len(new)
            self.category_names.update({pk: name for name, pk in self.categories.items()})
        missing_subs = subs - self.subcategories.keys()
        if not missing_subs:
            return
        parents = {self.categories[parent]: parent for parent, _ in missing_subs}
        found_subs = Category.objects.filter(
            parent_id__in=parents, name__in={name for _, name in missing_subs}
        ).values_list("parent_id", "name", "id")
        for parent_id, name, pk in found_subs:
            if (parents[parent_id], name) in missing_subs:
                self.subcategories[(parents[parent_id], name)] = pk
        new = [
            Category(name=name, parent_id=self.categories[parent])
            for parent, name in sorted(missing_subs - self.subcategories.keys())
        ]
        if new:
            for record in bulk_create_with_history(new, Category, default_change_reason="Imported"):
                self.subcategories[(parents[record.parent_id], record.name)] = record.pk
            self.created["subcategories"] += len(new)

    def _services(self, names: set[str]) -> None:
        if not names:
            return
        found = dict(Service.objects.filter(name__in=names).values_list("name", "id"))
        for name in names:
            self.services[name] = found.get(name)

    def _members(self, pairs: set[tuple[str, str]]) -> None:
        """Assignees join their group, as the desk's own rule (an assignee belongs to the
        group) wants: an imported open incident stays editable. A pair this run already
        sent is not sent again: most batches repeat their groups' regular assignees."""
        pairs = pairs - self.members
        if not pairs:
            return
        through = Team.members.through
        rows = [
            through(team_id=self.named["teams"][group], user_id=self.users[person])
            for group, person in pairs
        ]
        through.objects.bulk_create(rows, ignore_conflicts=True)
        self.members |= pairs

    def _problems(self, ids: set[str]) -> None:
        if not ids:
            return
        found = ImportedProblem.objects.filter(source=self.source, external_id__in=ids)
        for external, pk, number in found.values_list(
            "external_id", "problem_id", "problem__number"
        ):
            self.problems[external] = (pk, number)
        made = self._tickets(Problem, sorted(ids - self.problems.keys()), "problem")
        ImportedProblem.objects.bulk_create(
            ImportedProblem(source=self.source, external_id=external, problem=problem)
            for external, problem in made
        )
        self.problems.update({external: (p.pk, p.number) for external, p in made})
        self.created["problems"] += len(made)

    def _changes(self, ids: set[str]) -> None:
        if not ids:
            return
        found = ImportedChange.objects.filter(source=self.source, external_id__in=ids)
        for external, pk, number in found.values_list("external_id", "change_id", "change__number"):
            self.changes[external] = (pk, number)
        made = self._tickets(Change, sorted(ids - self.changes.keys()), "change")
        ImportedChange.objects.bulk_create(
            ImportedChange(source=self.source, external_id=external, change=change)
            for external, change in made
        )
        self.changes.update({external: (c.pk, c.number) for external, c in made})
        self.created["changes"] += len(made)

    def _tickets(self, model: Any, externals: list[str], noun: str) -> list[tuple[str, Any]]:
        """New problem or change records, numbered ours, titled with the source's id, each
        with its history row and its "created" event, in a few statements for all."""
        if not externals:
            return []
        numbers = next_numbers(model.NUMBER_PREFIX, len(externals))
        priority = priority_for(Impact.LOW, Urgency.LOW)  # the model's defaults
        tickets = [
            model(number=number, title=f"{self.label} {noun} {external}"[:200], priority=priority)
            for external, number in zip(externals, numbers, strict=True)
        ]
        tickets = bulk_create_with_history(tickets, model, default_change_reason="Imported")
        timeline = model.timeline.field.model
        timeline.objects.bulk_create(
            timeline(ticket=t, verb="created", data={"priority": t.priority}) for t in tickets
        )
        return list(zip(externals, tickets, strict=True))
