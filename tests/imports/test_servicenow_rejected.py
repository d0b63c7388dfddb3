"""Reading the whole ServiceNow log: 24,918 incidents, and every one of its 141,712 rows
either an update of its incident or rejected with its line and reason. The rows to reject
are found here with plain ``csv``: every ``-100`` row (README: 5 rows, 2 incidents) and,
of each set of rows sharing a ``sys_mod_count`` within an incident (README: 10 rows, 5
incidents), all but the last in the file."""

from collections import Counter
from zoneinfo import ZoneInfo

from imports.formats import FORMATS
from imports.formats.base import Case, ReadOptions, Rejected
from tests.imports.servicenow_log import cases, kept_and_rejected, log_path


def _expected_rejections(data_dir) -> tuple[dict[int, tuple[str, str]], int, int]:
    """{line: (number, reason)}, the number of incidents and of rows, from plain csv."""
    expected: dict[int, tuple[str, str]] = {}
    incidents = rows = 0
    numbers: set[str] = set()
    for number, records in cases(data_dir):
        assert number not in numbers, f"{number}'s rows are not consecutive"
        numbers.add(number)
        incidents += 1
        rows += len(records)
        expected.update(kept_and_rejected(number, records)[1])
    return expected, incidents, rows


def test_every_row_is_an_update_or_rejected_with_its_line(data_dir):
    expected, incidents, rows = _expected_rejections(data_dir)
    assert (incidents, rows) == (24_918, 141_712)
    minus_100 = {line: n for line, (n, why) in expected.items() if why.startswith("state -100")}
    duplicates = {line: n for line, (n, why) in expected.items() if why.startswith("duplicate")}
    assert (len(minus_100), len(set(minus_100.values()))) == (5, 2)
    # 10 rows share a sequence in pairs: one of each pair is left out.
    assert (len(duplicates), len(set(duplicates.values()))) == (5, 5)

    path = log_path(data_dir)
    read_cases = 0
    updates: Counter[tuple[str, int]] = Counter()
    rejected: dict[int, tuple[str, str]] = {}
    for item in FORMATS["servicenow"]().read([path], ReadOptions(time_zone=ZoneInfo("UTC"))):
        found = item.rejected if isinstance(item, Case) else [item]
        for row in found:
            assert isinstance(row, Rejected)
            assert row.path == str(path)
            assert row.line not in rejected
            rejected[row.line] = (row.number, row.reason)
        if isinstance(item, Case):
            read_cases += 1
            for update in item.updates:
                updates[(item.number, update.line)] += 1

    assert read_cases == 24_918
    assert rejected == expected
    assert len(updates) + len(rejected) == 141_712
    assert set(updates.values()) == {1}
    assert not {line for _, line in updates} & set(rejected)
