"""Which SLA definition applies to an incident: the first active one, in ascending
``order``, whose every condition holds. An empty condition holds for any incident.

Read in a fixed number of queries whatever the number of definitions: the definitions
with their calendars, their services and their categories (ids only)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Prefetch, prefetch_related_objects

from catalog.models import Category, Service
from sla.models import Calendar, SlaDefinition

if TYPE_CHECKING:
    from incidents.models import Incident


def active_definitions() -> list[SlaDefinition]:
    """Every active definition in matching order, ready for :func:`matches` (3 queries)."""
    return list(
        SlaDefinition.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.only("id")),
            Prefetch("categories", queryset=Category.objects.only("id")),
        )
        .order_by("order", "id")
    )


def matches(definition: SlaDefinition, incident: "Incident") -> bool:
    """Whether every condition of ``definition`` holds for ``incident`` (no query once
    :func:`active_definitions` loaded it)."""
    if definition.priorities and incident.priority not in definition.priorities:
        return False
    if definition.severities and incident.severity not in definition.severities:
        return False
    services = {service.pk for service in definition.services.all()}
    if services and incident.service_id not in services:
        return False
    categories = {category.pk for category in definition.categories.all()}
    return not categories or bool({incident.category_id, incident.subcategory_id} & categories)


def first_match(definitions: Sequence[SlaDefinition], incident: "Incident") -> SlaDefinition | None:
    """The definition that applies: the first that matches, in the order given."""
    return next((item for item in definitions if matches(item, incident)), None)


def load_calendar(calendar: Calendar) -> Calendar:
    """The calendar with its working periods and holidays read (2 queries), so that
    ``working_time()`` reads nothing more."""
    prefetch_related_objects([calendar], "periods", "holidays")
    return calendar
