"""Cross links between ticket types, declared by the app that owns the link.

Dependencies point one way (changes -> problems -> incidents -> kernel), yet an incident
shows its problem and the change that caused it. The higher app registers a ``Relation``
on the lower model when it starts; the generic admin shows every relation of a ticket on
its change form and the generic API lists them under ``links``. The lower app imports
nothing of the higher one.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Relation:
    name: str
    """The key under ``links`` in the API: ``problem``, ``caused_by_change``."""
    label: str
    """The heading on the admin change form."""
    targets: Callable[[Any], Iterable[Any]]
    """The linked tickets of one ticket, read only from what the lookups below loaded."""
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    """What ``targets`` reads, joined or prefetched so lists cost no query per row."""


_relations: dict[type[Model], list[Relation]] = {}


def register_relation(model: type[Model], relation: Relation) -> None:
    registered = _relations.setdefault(model, [])
    if all(existing.name != relation.name for existing in registered):
        registered.append(relation)


def relations_of(model: type[Model]) -> list[Relation]:
    return list(_relations.get(model, ()))


def with_relations[M: Model](queryset: QuerySet[M]) -> QuerySet[M]:
    """The queryset with every registered relation's rows loaded alongside."""
    for relation in relations_of(queryset.model):
        if relation.select_related:
            queryset = queryset.select_related(*relation.select_related)
        if relation.prefetch_related:
            queryset = queryset.prefetch_related(*relation.prefetch_related)
    return queryset
