"""Writing tables for spreadsheets: CSV that Excel/WPS open with the Chinese intact, and XLSX,
both streamed from an iterable of rows in constant memory. Text a spreadsheet would run as a
formula gets a leading apostrophe (`neutralise`); callers pass rows already neutralised."""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text starting like a formula is prefixed with ' so Excel/WPS show it as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write() returns the line (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(headers: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with BOM (Excel then reads the Chinese correctly), CRLF line ends, 500 rows a
    chunk."""
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow(headers)).encode("utf-8")
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow(row))
        if len(batch) >= 500:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def csv_bytes(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    return b"".join(csv_chunks(headers, rows))


def xlsx_file(title: str, headers: list[str], rows: Iterable[list[Any]]) -> IO[bytes]:
    """The workbook in a temporary file (openpyxl's write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
