"""Property test: for random definitions (random order, active or not, random priority,
severity, service and category conditions) and a random incident logged through the
workflow, the clocks come from the first active definition, in order, whose every
condition holds, as an independent reading of the rule finds it."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Category, Service
from sla.models import Clock

CONDITION = st.fixed_dictionaries(
    {
        "order": st.integers(0, 5),
        "active": st.booleans(),
        "priorities": st.lists(st.integers(1, 5), max_size=2, unique=True),
        "severities": st.lists(st.integers(1, 4), max_size=2, unique=True),
        "services": st.lists(st.integers(0, 1), max_size=2, unique=True),
        "categories": st.lists(st.integers(0, 1), max_size=2, unique=True),
    }
)


@pytest.fixture
def catalog(team, service):
    other = Service.objects.create(name="ERP", owner_team=team, criticality=1)
    return [service, other], [Category.objects.create(name=n) for n in ("Software", "Network")]


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    conditions=st.lists(CONDITION, min_size=1, max_size=6),
    impact=st.integers(1, 3),
    urgency=st.integers(1, 3),
    severity=st.one_of(st.none(), st.integers(1, 4)),
    service_index=st.integers(0, 1),
    category_index=st.one_of(st.none(), st.integers(0, 1)),
)
def test_the_first_matching_definition_applies(
    make_incident,
    always,
    define,
    catalog,
    conditions,
    impact,
    urgency,
    severity,
    service_index,
    category_index,
):
    services, categories = catalog
    with transaction.atomic():
        made = [
            define(
                f"D{index}",
                always,
                order=item["order"],
                is_active=item["active"],
                priorities=item["priorities"],
                severities=item["severities"],
                services=[services[i] for i in item["services"]],
                categories=[categories[i] for i in item["categories"]],
                resolution_target=1 + index,
            )
            for index, item in enumerate(conditions)
        ]
        category = None if category_index is None else categories[category_index]
        incident = make_incident(
            impact=impact,
            urgency=urgency,
            severity=severity,
            service=services[service_index],
            category=category,
        )

        def holds(item: dict) -> bool:
            return (
                item["active"]
                and (not item["priorities"] or incident.priority in item["priorities"])
                and (not item["severities"] or severity in item["severities"])
                and (not item["services"] or service_index in item["services"])
                and (not item["categories"] or category_index in item["categories"])
            )

        ranked = sorted(zip(conditions, made, strict=True), key=lambda p: (p[0]["order"], p[1].pk))
        expected = next((definition for item, definition in ranked if holds(item)), None)
        clocks = list(Clock.objects.filter(incident=incident))
        if expected is None:
            assert clocks == []
        else:
            assert [clock.definition for clock in clocks] == [expected]
        transaction.set_rollback(True)
