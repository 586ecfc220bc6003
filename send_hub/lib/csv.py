"""CSV downloads that a spreadsheet cannot mistake for formulas.

A pupil's name or an intervention's title is typed by staff or imported from the MIS, so a cell
such as ``=HYPERLINK("http://evil.example", "Open")`` would run as a formula when the file is
opened in Excel or Sheets (CSV injection). Every CSV the app writes goes through ``csv_download``,
whose writer puts an apostrophe before any text starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return, the OWASP advice. Real numbers (``int``, ``Decimal``, ``float``) and text that
is only a number ("-3", "+1.5") stay as they are: a spreadsheet reads those as numbers, never as
formulas, so figures such as a negative change keep adding up.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def safe_cell(value: Any) -> Any:
    """Return ``value``, with a leading apostrophe if it is text a spreadsheet would run."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


class SafeWriter:
    """A ``csv.writer`` that neutralises formula cells in every row it writes."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row, each cell through ``safe_cell``."""
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write several rows, each cell through ``safe_cell``."""
        for row in rows:
            self.writerow(row)


def csv_download(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """Return a UTF-8 CSV attachment named ``filename`` and the safe writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    return response, SafeWriter(response)
