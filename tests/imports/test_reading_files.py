"""imports.formats.reading: files plain or gzipped, with or without a BOM, read as CSV rows
that know the line they start on."""

import gzip
from pathlib import Path

import pytest

from imports.formats.reading import WrongFile, csv_rows, open_text, read_header

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
    path = _write(tmp_path / "data.csv", b"a,b,c\n1,2\n1,2,3,4\n5,6,7\n")
    rows = list(csv_rows(path))
    assert [row.fault for row in rows] == [
        "2 fields where the header has 3",
        "4 fields where the header has 3",
        "",
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
