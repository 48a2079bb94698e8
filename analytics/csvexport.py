"""A report as CSV (RFC 4180, a header line, UTF-8): what a spreadsheet opens.

    to_csv({"report": "unmet", "from": None, "to": None, "rows": [{"query": "roma", "searches": 2, ...}]})
    -> 'query,searches,last_day\\r\\nroma,2,2026-11-30\\r\\n'

Lists (a theme's examples) are joined with " | ". A cell that starts like a formula (=, +, -, @) is
prefixed with an apostrophe, so a query such as "=HYPERLINK(...)" stays text in a spreadsheet.
"""

import csv
import io

from analytics.catalog import SPECS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, list):
        value = " | ".join(map(str, value))
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def to_csv(report: dict) -> str:
    columns = SPECS[report["report"]].columns
    rows = [report] if report["report"] == "summary" else report["rows"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()
