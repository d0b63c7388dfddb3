"""CSV for every metrics table: ``?format=csv`` or ``Accept: text/csv``."""

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from rest_framework.renderers import BaseRenderer

# A spreadsheet runs a cell that starts with one of these as a formula; names people
# typed (services, teams) must not (OWASP's CSV injection advice: prefix a quote).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CSVRenderer(BaseRenderer):
    """Renders ``{"columns": [...], "rows": [{...}, ...]}``: one header line, one line per
    row, in the columns' order. Errors never come here (``MetricsViewSet`` answers them
    as JSON)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        columns = list(data["columns"])
        writer.writerow(columns)
        for row in data["rows"]:
            writer.writerow([cell(row.get(column)) for column in columns])
        return out.getvalue().encode(self.charset)
