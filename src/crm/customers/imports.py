"""Import of customers and contacts (CUS-7): read a CSV/XLSX file, map its columns, check
every row, then write all rows or none.

The work runs as a background job (crm.core.jobs, kind "customers.import"): it reads the file
and checks each row with the customers services' rules, reporting progress. Unless this is a
dry run, it also computes each checked row's derived columns (search keys, normalised name),
and the rows are written all or none in one transaction, only when no row has an error:
customers while the rest of the file is still being checked (services_import.CustomerStream),
contacts afterwards (services_import.contacts_import).
"""

from collections.abc import Callable, Iterable
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.access import require
from crm.core.bulk import Spool
from crm.core.errors import DomainError, ValidationFailed
from crm.core.jobs import JobFailed, Progress, job_enqueue
from crm.core.models import Job
from crm.core.modules import Action, Module
from crm.org.models import User
from crm.org.selectors import employees_for_user

from . import divisions, selectors, services, services_import
from .import_warnings import DuplicateWarnings
from .importfiles import (
    SENSITIVE,
    Kind,
    auto_mapping,
    columns_of,
    en,
    mapping_from_names,
    open_table,
    parse_date,
    save_upload,
    truthy,
    zh,
)
from .models import Choice, Contact, Customer, CustomerStatus, DecisionRole

JOB_KIND = "customers.import"
PREVIEW_ROWS = 20
MAX_ERRORS = 1000  # kept in the job's result; `error_count` says how many in all
CHUNK = 500
# Stands for the customer code in a search key computed before the code is assigned.
CODE_MARK = "@@code@@"
# The columns of a checked customer row, in order (services_import.customers_import).
PREPARED = [
    "name",
    "short_name",
    "uscc",
    "tax_id",
    "bank",
    "bank_account",
    "province",
    "city",
    "district",
    "street",
    "phone",
    "credit_limit",
    "cooperation_history",
    "status",
    "tags",
    "owner_id",
    "org_unit_id",
    "search_text",
    "name_key",
    *(f"{k}_id" for k in services.CHOICE_FIELDS),
]
_CUSTOMER_LIMITS = {f.name: f.max_length for f in Customer._meta.fields if f.max_length}


# --- rows ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Keyed:
    """services.Keyed of a checked row (a Customer object costs more than its keys)."""

    name: str
    short_name: str
    phone: str
    uscc: str
    code: str = CODE_MARK


@dataclass
class RowError:
    row: int
    field: str
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


@dataclass
class Checker:
    """Checks rows of one file for one user; collects errors and the prepared rows."""

    user: Any
    kind: str
    headers: list[str]
    mapping: dict[str, int | None]
    out: Callable[[Any], None] | None  # takes each row to write; None: a dry run
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0
    good: int = 0
    preview: list[dict[str, str]] = field(default_factory=list)
    _choices: dict[str, dict[str, Choice]] = field(default_factory=dict)
    _owners: dict[str, Any] = field(default_factory=dict)
    _uscc_rows: dict[str, int] = field(default_factory=dict)
    _primary: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sensitive = selectors.can_see_sensitive(self.user)
        self.duplicates = DuplicateWarnings(self.user)
        for choice in Choice.objects.filter(active=True):
            self._choices.setdefault(choice.kind, {})[choice.label.lower()] = choice
        labels: dict[str, str] = {}
        for value, label in CustomerStatus.choices:
            labels |= {value: value, zh(label).lower(): value, en(label).lower(): value}
        self._statuses = labels
        roles: dict[str, str] = {}
        for value, label in DecisionRole.choices:
            roles |= {value: value, zh(label).lower(): value, en(label).lower(): value}
        self._roles = roles

    def column_name(self, key: str) -> str:
        index = self.mapping.get(key)
        if index is not None and index < len(self.headers):
            return self.headers[index]
        return zh(next(c.label for c in columns_of(self.kind) if c.key == key))

    def error(self, row: int, key: str, value: str, messages: Iterable[Any]) -> None:
        for message in messages:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(RowError(row, key, self.column_name(key), value, str(message)))

    def values(self, cells: list[str]) -> dict[str, str]:
        out = {}
        for key, index in self.mapping.items():
            if index is not None:
                out[key] = cells[index].strip() if index < len(cells) else ""
        return out

    def check(self, numbered: list[tuple[int, list[str]]]) -> None:
        raws = [(n, self.values(cells)) for n, cells in numbered]
        raws = [(n, raw) for n, raw in raws if any(raw.values())]  # blank rows are skipped
        if self.kind == Kind.CONTACTS:
            self._check_contacts(raws)
        else:
            self._check_customers(raws)

    # customers -------------------------------------------------------------------------

    def _owner(self, username: str) -> Any:
        if username not in self._owners:
            self._owners[username] = (
                employees_for_user(self.user, active=True)
                .filter(username=username)
                .select_related("unit")
                .first()
            )
        return self._owners[username]

    def _check_customers(self, raws: list[tuple[int, dict[str, str]]]) -> None:
        usccs = {}
        candidates: dict[int, dict[str, str]] = {}  # good rows' keys, for likely duplicates
        for n, raw in raws:
            self.rows += 1
            row_errors: dict[str, list[str]] = {}
            values: dict[str, Any] = {}
            for key in ("name", "short_name", "uscc", "tax_id", "bank", "bank_account"):
                if key in raw:
                    values[key] = raw[key]
            for key in ("street", "phone", "tags", "cooperation_history"):
                if key in raw:
                    values[key] = raw[key]
            for key in SENSITIVE:
                if raw.get(key) and not self.sensitive:
                    row_errors[key] = [_("You may not set sensitive fields.")]
                    values.pop(key, None)
            for key in services.CHOICE_FIELDS:
                text = raw.get(key, "")
                if text and key not in row_errors:
                    choice = self._choices.get(services.CHOICE_FIELDS[key], {}).get(text.lower())
                    if choice is None:
                        row_errors[key] = [
                            _("“%(value)s” is not an entry of the list.") % {"value": text[:60]}
                        ]
                    values[key] = choice
            if raw.get("credit_limit"):
                values["credit_limit"] = raw["credit_limit"].replace(",", "").replace("，", "")
            if raw.get("status"):
                status = self._statuses.get(raw["status"].lower())
                if status is None:
                    row_errors["status"] = [
                        _("“%(value)s” is not an entry of the list.")
                        % {"value": raw["status"][:60]}
                    ]
                values["status"] = status or CustomerStatus.PROSPECT
            owner = self.user
            if raw.get("owner"):
                owner = self._owner(raw["owner"])
                if owner is None:
                    row_errors["owner"] = [_("No active employee you may see has this username.")]
            unit = getattr(owner, "unit", None) if owner is not None else None
            if owner is not None and unit is None and "owner" not in row_errors:
                row_errors["owner"] = [_("The owner belongs to no unit; choose a unit.")]
            values["province"], values["city"], values["district"] = divisions.resolve_address(
                raw.get("province", ""), raw.get("city", ""), raw.get("district", "")
            )
            values.setdefault("name", "")
            try:
                values = services.customer_values_check(values)
            except ValidationFailed as exc:
                for key, messages in exc.fields.items():
                    row_errors.setdefault(key, []).extend(messages)
            for key, value in values.items():
                limit = _CUSTOMER_LIMITS.get(key)
                if (
                    isinstance(value, str)
                    and limit
                    and len(value) > limit
                    and key not in row_errors
                ):
                    row_errors[key] = [
                        _("At most %(max_length)s characters.") % {"max_length": limit}
                    ]
            uscc = values.get("uscc") or ""
            if uscc and "uscc" not in row_errors:
                first = self._uscc_rows.get(uscc)
                if first is not None:
                    row_errors["uscc"] = [
                        _("Same unified social credit code as row %(row)s.") % {"row": first}
                    ]
                else:
                    self._uscc_rows[uscc] = n
                    usccs[uscc] = n
            if len(self.preview) < PREVIEW_ROWS:
                self.preview.append({"row": str(n), **raw})
            if row_errors:
                for key, messages in row_errors.items():
                    self.error(n, key, raw.get(key, ""), messages)
                continue
            self.good += 1
            name = values["name"]
            name_key = services.normalise_name(name)
            keys = {
                "name_key": name_key,
                "uscc": uscc,
                "tax_id": values.get("tax_id", ""),
                "phone": values.get("phone", ""),
            }
            candidates[n] = keys
            self.duplicates.within_file(n, keys)
            if self.error_count or owner is None or unit is None or self.out is None:
                continue  # nothing will be written; the rest only needs checking
            keyed = _Keyed(name, values.get("short_name", ""), values.get("phone", ""), uscc)
            prepared = [
                name,
                values.get("short_name", ""),
                uscc,
                values.get("tax_id", ""),
                values.get("bank", ""),
                values.get("bank_account", ""),
                values["province"],
                values["city"],
                values["district"],
                values.get("street", ""),
                values.get("phone", ""),
                str(values.get("credit_limit", "0")),
                values.get("cooperation_history", ""),
                values.get("status", CustomerStatus.PROSPECT),
                values.get("tags", ""),
                owner.pk,
                unit.pk,
                services.customer_search_text(keyed, []),
                name_key,
                *(getattr(values.get(k), "pk", None) for k in services.CHOICE_FIELDS),
            ]
            self.out(prepared)
        taken = (
            Customer.objects.filter(uscc__in=list(usccs))
            .exclude(uscc="")  # the predicate of the unique index on live USCCs
            .values_list("uscc", flat=True)
        )
        for uscc in taken:
            n = usccs[uscc]
            self.good -= 1
            candidates.pop(n, None)
            self.error(
                n,
                "uscc",
                uscc,
                [_("Another customer already has this unified social credit code.")],
            )
        if candidates:
            self.duplicates.existing(candidates)

    # contacts --------------------------------------------------------------------------

    def _check_contacts(self, raws: list[tuple[int, dict[str, str]]]) -> None:
        keys = {raw.get("customer", "") for _n, raw in raws} - {""}
        found: dict[str, int] = {}
        for pk, code, uscc in (
            selectors.customers_for_user(self.user)
            .filter(Q(code__in=keys) | Q(uscc__in=keys))
            .values_list("pk", "code", "uscc")
        ):
            found[code] = pk
            if uscc:
                found[uscc] = pk
        for n, raw in raws:
            self.rows += 1
            row_errors: dict[str, list[str]] = {}
            key = raw.get("customer", "")
            customer_id = found.get(key) or found.get(key.upper())
            if not key:
                row_errors["customer"] = [_("Enter the customer's code or USCC.")]
            elif customer_id is None:
                row_errors["customer"] = [_("No customer you may see has this code or USCC.")]
            values: dict[str, Any] = {
                k: raw[k]
                for k in ("name", "title", "mobile", "landline", "email", "wechat", "notes")
                if k in raw
            }
            values.setdefault("name", "")
            if raw.get("role"):
                role = self._roles.get(raw["role"].lower())
                if role is None:
                    row_errors["role"] = [
                        _("“%(value)s” is not an entry of the list.") % {"value": raw["role"][:60]}
                    ]
                values["role"] = role or DecisionRole.OTHER
            if raw.get("email"):
                try:
                    validate_email(raw["email"])
                except ValidationError:
                    row_errors["email"] = [_("Enter a valid e-mail address.")]
            if raw.get("birthday"):
                birthday = parse_date(raw["birthday"])
                if birthday is None or not (date(1900, 1, 1) <= birthday <= timezone.localdate()):
                    row_errors["birthday"] = [_("Enter a date between 1900 and today.")]
                values["birthday"] = birthday.isoformat() if birthday else None
            primary = truthy(raw.get("is_primary", ""))
            if primary is None:
                row_errors["is_primary"] = [_("Enter 是 or 否.")]
            values["is_primary"] = bool(primary)
            try:
                values = services.contact_values_check(values)
            except ValidationFailed as exc:
                for k, messages in exc.fields.items():
                    row_errors.setdefault(k, []).extend(messages)
            for k, value in values.items():
                limit = getattr(Contact._meta.get_field(k), "max_length", None)
                if isinstance(value, str) and limit and len(value) > limit and k not in row_errors:
                    row_errors[k] = [
                        _("At most %(max_length)s characters.") % {"max_length": limit}
                    ]
            if values.get("is_primary") and customer_id is not None:
                first = self._primary.get(customer_id)
                if first is not None:
                    row_errors["is_primary"] = [
                        _("Row %(row)s already names this customer's primary contact.")
                        % {"row": first}
                    ]
                else:
                    self._primary[customer_id] = n
            if len(self.preview) < PREVIEW_ROWS:
                self.preview.append({"row": str(n), **raw})
            if row_errors:
                for k, messages in row_errors.items():
                    self.error(n, k, raw.get(k, ""), messages)
                continue
            self.good += 1
            if not self.error_count and self.out is not None:
                self.out({"customer_id": customer_id, **values})


# --- the job ---------------------------------------------------------------------------------


def import_start(
    *, user: Any, kind: str, upload: Any, mapping: dict[str, Any] | None, dry_run: bool
) -> Job:
    """Check the caller's rights and the file, keep it, and start the job."""
    import_require(user, kind)
    stored = save_upload(upload)
    ext = PurePath(stored["path"]).suffix
    try:
        table = open_table(Path(stored["path"]), ext)
        if mapping:
            mapping_from_names(columns_of(kind), table.headers, mapping)
    except DomainError:
        Path(stored["path"]).unlink(missing_ok=True)
        raise
    return job_enqueue(
        kind=JOB_KIND,
        payload={**stored, "kind": kind, "mapping": mapping or {}, "dry_run": dry_run},
        user=user,
    )


def import_again(
    *, user: Any, job: Job, mapping: dict[str, int | None] | None, dry_run: bool
) -> Job:
    """Check again (another mapping) or import the file of an earlier dry run."""
    import_require(user, job.payload.get("kind", ""))
    path = Path(job.payload.get("path", ""))
    if job.kind != JOB_KIND or not job.payload.get("dry_run") or not path.is_file():
        raise ValidationFailed(_("The uploaded file is no longer here; upload it again."))
    payload = {**job.payload, "dry_run": dry_run}
    if mapping is not None:
        payload["mapping"] = {"__index__": mapping}
    return job_enqueue(kind=JOB_KIND, payload=payload, user=user)


def import_require(user: Any, kind: str) -> None:
    if kind == Kind.CONTACTS:
        require(user, Module.CUSTOMERS, Action.EDIT)
    elif kind == Kind.CUSTOMERS:
        require(user, Module.CUSTOMERS, Action.CREATE)
    else:
        raise ValidationFailed(fields={"kind": [_("Choose customers or contacts.")]})


def _mapping(kind: str, headers: list[str], stored: dict[str, Any]) -> dict[str, int | None]:
    if "__index__" in stored:
        keys = {c.key for c in columns_of(kind)}
        return {
            k: (v if isinstance(v, int) and 0 <= v < len(headers) else None)
            for k, v in stored["__index__"].items()
            if k in keys
        }
    columns = columns_of(kind)
    if stored:
        return mapping_from_names(columns, headers, stored)
    return auto_mapping(columns, headers)


def _check(
    checker: Checker,
    chunk: list[tuple[int, list[str]]],
    stream: services_import.CustomerStream | None,
) -> None:
    """Check a chunk; its rows go on to be written only if no row so far has an error."""
    checker.check(chunk)
    if stream is not None:
        if checker.error_count:
            stream.abort()
        else:
            stream.flush()


def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    """The job handler: check every row; unless a dry run with no errors, write them all."""
    payload = job.payload
    kind, dry_run = payload["kind"], bool(payload["dry_run"])
    path = Path(payload["path"])
    user = User.objects.select_related("unit").get(pk=job.created_by_id)
    result: dict[str, Any] = {"kind": kind, "dry_run": dry_run, "filename": payload["filename"]}
    try:
        import_require(user, kind)
        table = open_table(path, path.suffix)
        mapping = _mapping(kind, table.headers, payload.get("mapping") or {})
        result |= {"headers": table.headers, "mapping": mapping, "rows": 0, "created": 0}
        missing = [c for c in columns_of(kind) if c.required and mapping.get(c.key) is None]
        if missing:
            raise JobFailed(
                _("The file has no column for: %(names)s. Map one below or fix the header.")
                % {"names": "、".join(zh(c.label) for c in missing)},
                result,
            )
        with ExitStack() as stack:
            stream = spool = None
            out: Callable[[Any], None] | None = None  # a dry run does not even make the rows
            if not dry_run and kind == Kind.CONTACTS:
                spool = stack.enter_context(closing(Spool()))
                out = spool.add
            elif not dry_run:  # the rows checked so far are written while the rest are checked
                stream = stack.enter_context(services_import.CustomerStream(user, table.total))
                out = stream.put
            checker = Checker(user, kind, table.headers, mapping, out)
            chunk: list[tuple[int, list[str]]] = []
            progress(0, table.total)
            for n, cells in enumerate(table.rows(), start=2):
                chunk.append((n, cells))
                if len(chunk) >= CHUNK:
                    _check(checker, chunk, stream)
                    chunk = []
                    progress(n - 1, table.total)
            _check(checker, chunk, stream)
            progress(table.total, table.total)
            result |= {
                "rows": checker.rows,
                "valid": checker.good,
                "error_count": checker.error_count,
                "errors": sorted((e.as_dict() for e in checker.errors), key=lambda e: e["row"]),
                **checker.duplicates.result(),
                "preview": checker.preview,
            }
            if checker.error_count and not dry_run:
                raise JobFailed(
                    _("%(n)s errors found; nothing was imported. Fix the file and upload it again.")
                    % {"n": checker.error_count},
                    result,
                )
            if not checker.rows:
                raise JobFailed(_("The file has no data rows."), result)
            if dry_run:
                return result
            if spool is not None:
                result["created"] = services_import.contacts_import(actor=user, rows=spool.rows())
            elif stream is not None:
                result["created"] = stream.commit()
            return result
    except DomainError as exc:
        raise JobFailed(exc.message, result) from None
    finally:
        if not dry_run:
            path.unlink(missing_ok=True)


def result_context(job: Job) -> dict[str, Any]:
    """What the job page shows of an import: the mapping form, the preview, the errors."""
    result = job.result or {}
    kind = result.get("kind", Kind.CUSTOMERS)
    headers: list[str] = result.get("headers") or []
    mapping: dict[str, Any] = result.get("mapping") or {}
    fields = [
        {"key": c.key, "label": c.label, "required": c.required, "index": mapping.get(c.key)}
        for c in columns_of(kind)
    ]
    shown = [f for f in fields if f["index"] is not None]
    preview = [[row.get(f["key"], "") for f in shown] for row in result.get("preview") or []]
    rows = [r.get("row", "") for r in result.get("preview") or []]
    return {
        "import_kind": kind,
        "import_fields": fields,
        "import_headers": list(enumerate(headers)),
        "preview_columns": [f["label"] for f in shown],
        "preview_rows": list(zip(rows, preview, strict=True)),
        "can_commit": bool(
            result.get("dry_run")
            and job.status == "succeeded"
            and not result.get("error_count")
            and result.get("valid")
            and Path(job.payload.get("path", "")).is_file()
        ),
        "can_recheck": bool(
            result.get("dry_run") and headers and Path(job.payload.get("path", "")).is_file()
        ),
    }
