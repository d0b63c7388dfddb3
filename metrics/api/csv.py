"""CSV for every metrics table: ``?format=csv`` or ``Accept: text/csv``."""

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from rest_framework.renderers import BaseRenderer

from incidents.export import escape


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return escape(value)  # names people typed never run as a spreadsheet formula
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
