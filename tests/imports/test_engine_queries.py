"""A batch costs the same number of SQL statements whatever its size: lookups are found
and created in bulk, rows are copied in bulk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.engine import import_incidents
from tests.imports.cases import OPTIONS, ListFormat, closed_case

pytestmark = pytest.mark.django_db


def statements(first: int, count: int) -> int:
    items = [closed_case(f"INC08{first + i:05d}", start=i) for i in range(count)]
    with CaptureQueriesContext(connection) as queries:
        summary = import_incidents(ListFormat(items), [], options=OPTIONS, batch_size=count)
    assert (summary.batches, summary.created) == (1, count)
    return len(queries)


def test_one_batch_of_ten_and_one_of_two_hundred_cost_the_same_statements():
    statements(0, 3)  # people, teams and categories exist from here on
    small, large = statements(100, 10), statements(1000, 200)
    assert small == large
    assert large <= 30
