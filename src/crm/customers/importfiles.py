"""Import files: reading a CSV/XLSX upload into a table, mapping its headers to fields, and
the downloadable templates — for any list of columns (the products import uses them too) —
and the columns of the customer kinds. Checking customer rows and the job: imports.py.
"""

import csv
import io
import json
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from crm.core.errors import ValidationFailed

JOB_KIND = "customers.import"

MAX_BYTES = 50 * 1024 * 1024
TYPES = {".csv", ".xlsx"}
BOM = "\ufeff"


class Kind(StrEnum):
    CUSTOMERS = "customers"
    CONTACTS = "contacts"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy; the template's header is its Chinese text
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""


CUSTOMER_COLUMNS = [
    Column(
        "name", gettext_lazy("Name"), True, ("customer name", "客户名称"), "上海示例化工有限公司"
    ),
    Column("short_name", gettext_lazy("Short name"), example="示例化工"),
    Column("uscc", gettext_lazy("Unified social credit code"), aliases=("uscc",)),
    Column("tax_id", gettext_lazy("Tax ID")),
    Column("bank", gettext_lazy("Bank")),
    Column("bank_account", gettext_lazy("Bank account")),
    Column("province", gettext_lazy("Province"), example="上海市"),
    Column("city", gettext_lazy("City")),
    Column("district", gettext_lazy("District"), example="浦东新区"),
    Column("street", gettext_lazy("Street address"), example="张江路 100 号"),
    Column("phone", gettext_lazy("Phone"), example="021-55551234"),
    Column("region", gettext_lazy("Region")),
    Column("industry", gettext_lazy("Industry")),
    Column("rating", gettext_lazy("Rating")),
    Column("nature", gettext_lazy("Enterprise nature")),
    Column("size", gettext_lazy("Enterprise size")),
    Column("credit_level", gettext_lazy("Credit level")),
    Column("source", gettext_lazy("Source")),
    Column("credit_limit", gettext_lazy("Credit limit"), example="100000"),
    Column("status", gettext_lazy("Lifecycle status"), aliases=("status", "状态")),
    Column("tags", gettext_lazy("Tags"), example="重点,国企"),
    Column("owner", gettext_lazy("Owner (username)"), aliases=("owner", "负责人", "username")),
    Column("cooperation_history", gettext_lazy("Cooperation history")),
]
CONTACT_COLUMNS = [
    Column(
        "customer",
        gettext_lazy("Customer code or USCC"),
        True,
        ("customer", "客户", "code", "编码", "uscc", "统一社会信用代码"),
        "C00000001",
    ),
    Column("name", gettext_lazy("Full name"), True, ("name", "contact", "联系人", "名称"), "张伟"),
    Column("title", gettext_lazy("Job title"), example="采购经理"),
    Column("role", gettext_lazy("Decision role")),
    Column("mobile", gettext_lazy("Mobile phone"), aliases=("手机",), example="13812345678"),
    Column("landline", gettext_lazy("Landline"), example="021-55551234"),
    Column("email", gettext_lazy("E-mail"), aliases=("email", "邮箱")),
    Column("wechat", gettext_lazy("WeChat"), aliases=("微信",)),
    Column("birthday", gettext_lazy("Birthday"), example="1985-06-01"),
    Column("notes", gettext_lazy("Notes")),
    Column("is_primary", gettext_lazy("Primary contact"), example="是"),
]
SENSITIVE = {"tax_id", "bank_account", "credit_level"}
TITLES = {Kind.CUSTOMERS: gettext_lazy("Customers"), Kind.CONTACTS: gettext_lazy("Contacts")}


def columns_of(kind: str) -> list[Column]:
    return CONTACT_COLUMNS if kind == Kind.CONTACTS else CUSTOMER_COLUMNS


def zh(text: Any) -> str:
    with translation.override("zh-hans"):
        return str(text)


def en(text: Any) -> str:
    with translation.override("en"):
        return str(text)


# --- files -----------------------------------------------------------------------------------


def _file_error(message: Any) -> ValidationFailed:
    return ValidationFailed(message, code="import_file", fields={"file": [str(message)]})


def check_upload(name: str, size: int) -> str:
    """The file's type (".csv" or ".xlsx") if it may be imported; else a clear error."""
    ext = PurePath(name or "").suffix.lower()
    if ext not in TYPES:
        raise _file_error(_("Only CSV and Excel (.xlsx) files can be imported."))
    if size > MAX_BYTES:
        raise _file_error(_("The file is larger than 50 MB; split it into smaller files."))
    if size == 0:
        raise _file_error(_("The file is empty."))
    return ext


def save_upload(upload: Any) -> dict[str, str]:
    """Keep an uploaded file for the jobs that check and import it; returns its reference."""
    ext = check_upload(upload.name, upload.size)
    folder = Path(settings.CRM_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid4().hex}{ext}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return {"path": str(path), "filename": PurePath(upload.name).name[:200]}


def remove_old_uploads(now: float | None = None) -> int:
    """Delete stored uploads older than CRM_IMPORT_KEEP_HOURS; returns how many."""
    folder = Path(settings.CRM_IMPORT_DIR)
    if not folder.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - settings.CRM_IMPORT_KEEP_HOURS * 3600
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by an import or another machine
            continue
    return removed


def _decode(data: bytes) -> str:
    bom = data.startswith(BOM.encode("utf-8"))
    encodings = ["utf-8-sig"] if bom else ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise _file_error(
        _("The file is not text in UTF-8 or GB18030; save it again as “CSV UTF-8” and retry.")
    )


def _cell(value: Any) -> str:
    """A spreadsheet cell as text. Formulas stay text (their source, never evaluated)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Table:
    headers: list[str]
    path: Path
    ext: str
    total: int

    def rows(self) -> Iterator[list[str]]:
        """Data rows (after the header) as text, read from the file again."""
        if self.ext == ".csv":
            reader = csv.reader(io.StringIO(_decode(self.path.read_bytes())))
            next(reader, None)
            for row in reader:
                yield [c.strip() for c in row]
            return
        workbook = _open_workbook(self.path)
        try:
            sheet = workbook.worksheets[0]
            for i, values in enumerate(sheet.iter_rows(values_only=True)):
                if i:
                    yield [_cell(v) for v in values]
        finally:
            workbook.close()


def _open_workbook(path: Path) -> Any:
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception:  # zip, XML or openpyxl errors: all mean a file we cannot read
        raise _file_error(
            _("The Excel file cannot be read; it may be damaged. Save it again as .xlsx.")
        ) from None


def open_table(path: Path, ext: str) -> Table:
    """The header and the row count; raises a clear error for a file that cannot be read."""
    try:
        if ext == ".csv":
            reader = csv.reader(io.StringIO(_decode(path.read_bytes())))
            headers = [h.strip() for h in next(reader, [])]
            total = sum(1 for _row in reader)
        else:
            workbook = _open_workbook(path)
            try:
                if not workbook.worksheets:
                    raise _file_error(_("The file is empty."))
                sheet = workbook.worksheets[0]
                rows = sheet.iter_rows(values_only=True)
                headers = [_cell(v) for v in next(rows, ())]
                total = sum(1 for _row in rows)
            finally:
                workbook.close()
    except csv.Error:
        raise _file_error(_("The CSV file is malformed.")) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _file_error(
            _("The Excel file cannot be read; it may be damaged. Save it again as .xlsx.")
        ) from None
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise _file_error(_("The file is empty."))
    return Table(headers=headers, path=path, ext=ext, total=total)


# --- column mapping --------------------------------------------------------------------------


_PARENS = re.compile(r"\(.*?\)")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    for noise in ("(必填)", "*", " ", "\t", "_", "-"):
        text = text.replace(noise, "")
    return text


def auto_mapping(columns: Sequence[Column], headers: list[str]) -> dict[str, int | None]:
    """Each field → the index of the first header that names it (Chinese or English)."""
    normal = [_norm(h) for h in headers]
    bare = [_PARENS.sub("", h) for h in normal]  # "负责人(用户名)" also names 负责人
    mapping: dict[str, int | None] = {}
    for col in columns:
        names = {_norm(n) for n in (col.key, zh(col.label), en(col.label), *col.aliases)}
        mapping[col.key] = next(
            (i for i, h in enumerate(normal) if h and h in names),
            next((i for i, h in enumerate(bare) if h and h in names), None),
        )
    return mapping


def mapping_from_names(
    columns: Sequence[Column], headers: list[str], names: dict[str, Any]
) -> dict[str, Any]:
    """A mapping sent as {field: header text} (the API) → {field: index}; unknown → 422."""
    keys = {c.key for c in columns}
    mapping = auto_mapping(columns, headers)
    errors: dict[str, list[str]] = {}
    for key, header in names.items():
        if key not in keys:
            errors[key] = [_("Unknown field.")]
        elif header in (None, ""):
            mapping[key] = None
        elif str(header) in headers:
            mapping[key] = headers.index(str(header))
        else:
            errors[key] = [_("The file has no column “%(name)s”.") % {"name": header}]
    if errors:
        raise ValidationFailed(fields={f"mapping.{k}": v for k, v in errors.items()})
    return mapping


def parse_mapping_json(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationFailed(
            fields={"mapping": [_("Send the mapping as a JSON object {field: column name}.")]}
        )
    return value


# --- template --------------------------------------------------------------------------------


def template_rows(columns: Sequence[Column]) -> list[list[str]]:
    """The header (Chinese, required ones marked *) and one example row."""
    header = [zh(c.label) + ("*" if c.required else "") for c in columns]
    return [header, [c.example for c in columns]]


def template_csv(columns: Sequence[Column]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows(columns))
    return (BOM + buffer.getvalue()).encode("utf-8")


def template_xlsx(columns: Sequence[Column], title: Any) -> bytes:
    """`title` names the sheet (in Chinese)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = zh(title)
    for row in template_rows(columns):
        sheet.append(row)
    for cell in sheet[2]:
        cell.number_format = "@"  # text: codes and phones keep their leading zeros
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_filename(kind: str, ext: str) -> str:
    return f"{kind}-import-template.{ext}"


# --- cell values -----------------------------------------------------------------------------

YES = frozenset({"是", "y", "yes", "true", "1", "✓", "√"})
NO = frozenset({"否", "n", "no", "false", "0", "✗", "×"})


def truthy(
    value: str, *, blank: bool = False, yes: frozenset[str] = YES, no: frozenset[str] = NO
) -> bool | None:
    """A yes/no cell as written in Chinese or English spreadsheets; None when it is neither."""
    v = value.strip().lower()
    if not v:
        return blank
    if v in yes:
        return True
    if v in no:
        return False
    return None


def parse_date(value: str) -> date | None:
    text = value.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
    return None
