"""Reports from the ledger: the 通报 per-unit table, the findings list, trends; XLSX, HTML, CSV."""

from .csv import TABLES, write_csv
from .html import write_html
from .queries import (
    FINDING_COLUMNS,
    NO_UNIT,
    RunRow,
    UnitRow,
    failures,
    findings_list,
    trends,
    unit_table,
)
from .xlsx import write_xlsx

__all__ = [
    "FINDING_COLUMNS",
    "NO_UNIT",
    "RunRow",
    "TABLES",
    "UnitRow",
    "failures",
    "findings_list",
    "trends",
    "unit_table",
    "write_csv",
    "write_html",
    "write_xlsx",
]
