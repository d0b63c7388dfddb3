"""imports.formats.reading: files plain or gzipped, with or without a BOM, read as CSV rows
that know the line they start on."""

import gzip
from pathlib import Path

import pytest

from imports.formats.reading import (
    WrongFile,
    csv_rows,
    grouped_rows,
    open_text,
    read_header,
    sorted_runs,
)

TEXT = 'id,note,when\n1,plain,2020-01-01\n2,"two\nlines",2020-01-02\n\n3,last,2020-01-03\n'


def _write(path: Path, data: bytes, *, gz: bool = False) -> Path:
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("bom", [False, True])
def test_plain_or_gzipped_with_or_without_bom_read_the_same(tmp_path, gz, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + TEXT.encode()
    # The name says nothing: gzip is told by the file's first bytes.
    path = _write(tmp_path / "data.csv", data, gz=gz)
    with open_text(path) as text:
        assert text.read() == TEXT
    assert read_header(path) == ["id", "note", "when"]


def test_rows_carry_the_line_they_start_on(tmp_path):
    path = _write(tmp_path / "data.csv", TEXT.encode())
    rows = list(csv_rows(path))
    assert [(row.line, row["id"], row["note"]) for row in rows] == [
        (2, "1", "plain"),
        (3, "2", "two\nlines"),  # the quoted newline: the record stays on its first line
        (6, "3", "last"),  # line 5 is blank: no record, but it counts
    ]
    assert all(row.fault == "" for row in rows)


def test_crlf_lines_count_once(tmp_path):
    path = _write(tmp_path / "data.csv", TEXT.replace("\n", "\r\n").encode())
    assert [row.line for row in csv_rows(path)] == [2, 3, 6]


def test_a_record_of_the_wrong_width_is_a_fault_not_an_error(tmp_path):
    path = _write(tmp_path / "data.csv", b"a,b,c\n1,2\n1,2,3,4\n5,6,7\n8,\x009,10\n")
    rows = list(csv_rows(path))
    assert [row.fault for row in rows] == [
        "2 fields where the header has 3",
        "4 fields where the header has 3",
        "",
        "a NUL character (PostgreSQL text cannot hold one)",
    ]
    assert rows[0]["c"] == ""
    assert rows[2].values == {"a": "5", "b": "6", "c": "7"}


def test_another_header_stops_the_run_with_the_difference(tmp_path):
    path = _write(tmp_path / "data.csv", b"a,x,c\n1,2,3\n")
    with pytest.raises(WrongFile, match=r"header column 2 is 'x', expected 'b'"):
        list(csv_rows(path, expected=["a", "b", "c"]))
    with pytest.raises(WrongFile, match="header has 3 columns, expected 4"):
        list(csv_rows(path, expected=["a", "x", "c", "d"]))
    assert len(list(csv_rows(path, expected=["a", "x", "c"]))) == 1


def test_an_empty_file_has_no_header(tmp_path):
    path = _write(tmp_path / "empty.csv", b"")
    assert read_header(path) == []
    with pytest.raises(WrongFile, match="empty file"):
        list(csv_rows(path))


def test_reads_the_real_gzipped_log_streaming(data_dir):
    # IBM's verbatim BPIC 2013 file: gzip, BOM and CRLF at once.
    rows = csv_rows(data_dir / "bpic2013_incidents_ibm_verbatim.csv.gz")
    first = next(rows)
    assert first.line == 2
    assert first.fault == ""
    assert "SR Number" in first.values  # the BOM did not stick to the first column name
    assert sum(1 for _ in rows) + 1 == 65_533


def test_a_file_of_sorted_runs_is_grouped_by_key_in_file_order(tmp_path):
    # Two sorted files concatenated, as BPIC 2014's activity sample is.
    path = _write(tmp_path / "runs.csv", b"id,n\nA,1\nA,2\nC,3\nB,4\nC,5\nD,6\nA,7\n")
    groups = [
        (key, [(row.line, row["n"]) for row in rows]) for key, rows in grouped_rows(path, "id")
    ]
    assert groups == [
        ("A", [(2, "1"), (3, "2"), (8, "7")]),
        ("B", [(5, "4")]),
        ("C", [(4, "3"), (6, "5")]),
        ("D", [(7, "6")]),
    ]


def test_a_file_in_no_order_is_refused(tmp_path):
    lines = "".join(f"{n % 2}{n},x\n" for n in range(200, 0, -1))
    path = _write(tmp_path / "shuffled.csv", ("id,v\n" + lines).encode())
    with pytest.raises(WrongFile, match="sort the file by 'id'"):
        next(grouped_rows(path, "id"))


def test_the_real_activity_sample_is_two_sorted_runs(data_dir):
    path = data_dir / "bpic2014_sample_incident_activity.csv"
    assert sorted_runs(path, "Incident ID") == [(0, 22686), (22686, 39911)]
    groups = list(grouped_rows(path, "Incident ID"))
    assert len(groups) == 4_000
    assert sum(len(rows) for _, rows in groups) == 39_911
    keys = [key for key, _ in groups]
    assert keys == sorted(keys)
