"""Import of products and of price list items: read a CSV/XLSX file, map its columns, check
every row, then write all rows or none.

The files, uploads and header matching are the customers module's (crm.customers.importfiles);
the work runs as a background job (kind "products.import") like the customer import: pass 1
checks each row with the products services' rules and reports progress; pass 2, only when no
row has an error and this is not a dry run, writes every row through the services in one
transaction. A product row whose code exists updates that product (with history); a new code
creates one. A price list item row puts the product on the list or changes its price.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from crm.core.errors import DomainError, ValidationFailed
from crm.core.jobs import JobFailed, Progress, job_enqueue
from crm.core.models import Job
from crm.core.modules import Action
from crm.customers.importfiles import (
    NO,
    YES,
    Column,
    auto_mapping,
    open_table,
    save_upload,
    truthy,
    zh,
)
from crm.org.models import User

from . import selectors, services, services_prices
from .models import Brand, PriceList, Product, Series, UnitOfMeasure

JOB_KIND = "products.import"
PREVIEW_ROWS = 20
MAX_ERRORS = 1000
MAX_ROWS = 100_000


class Kind(StrEnum):
    PRODUCTS = "products"
    ITEMS = "price_list_items"


PRODUCT_COLUMNS = [
    Column(
        "code", gettext_lazy("Code"), True, ("product code", "产品编码", "物料编码"), "WH-MDI-200"
    ),
    Column("name", gettext_lazy("Name"), True, ("product name", "产品名称"), "纯MDI"),
    Column("brand", gettext_lazy("Brand"), example="万华"),
    Column("series", gettext_lazy("Series"), example="聚氨酯"),
    Column(
        "specification",
        gettext_lazy("Specification"),
        aliases=("spec", "规格型号"),
        example="250 kg/桶",
    ),
    Column("unit", pgettext_lazy("unit of measure", "Unit"), True, ("uom", "单位"), "桶"),
    Column("list_price", gettext_lazy("List price"), True, ("price", "价格", "单价"), "4500.00"),
    Column("active", gettext_lazy("On sale"), aliases=("active", "在售", "状态"), example="是"),
    Column("description", gettext_lazy("Description")),
]
ITEM_COLUMNS = [
    Column("code", gettext_lazy("Product code"), True, ("code", "编码", "产品编码"), "WH-MDI-200"),
    Column("price", gettext_lazy("Price"), True, ("price", "价格", "单价"), "4300.00"),
]


def columns_of(kind: str) -> list[Column]:
    return ITEM_COLUMNS if kind == Kind.ITEMS else PRODUCT_COLUMNS


TITLES = {Kind.PRODUCTS: gettext_lazy("Products"), Kind.ITEMS: gettext_lazy("Price list items")}


# --- checking rows ---------------------------------------------------------------------------


# 在售 / 停售 (on sale / withdrawn) also say whether a product is active; blank means active.
_ACTIVE_YES = YES | {"在售"}
_ACTIVE_NO = NO | {"停售"}


@dataclass
class Checker:
    kind: str
    headers: list[str]
    mapping: dict[str, int | None]
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0
    preview: list[dict[str, str]] = field(default_factory=list)
    prepared: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _codes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.units = {}
        for u in UnitOfMeasure.objects.all():
            self.units[u.code.lower()] = u
            self.units.setdefault(u.name.lower(), u)
        self.brands = {b.name.lower(): b for b in Brand.objects.all()}
        self.series = {(s.brand_id, s.name.lower()): s for s in Series.objects.all()}

    def column_name(self, key: str) -> str:
        index = self.mapping.get(key)
        if index is not None and index < len(self.headers):
            return self.headers[index]
        return zh(next(c.label for c in columns_of(self.kind) if c.key == key))

    def error(self, row: int, key: str, value: str, messages: list[Any]) -> None:
        for message in messages:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(
                    {
                        "row": row,
                        "field": key,
                        "column": self.column_name(key),
                        "value": value[:100],
                        "message": str(message),
                    }
                )

    def check(self, n: int, cells: list[str]) -> None:
        raw = {
            key: (cells[i].strip() if i < len(cells) else "")
            for key, i in self.mapping.items()
            if i is not None
        }
        if not any(raw.values()):
            return  # blank rows are skipped
        self.rows += 1
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append({"row": str(n), **raw})
        errors: dict[str, list[str]] = {}
        code = raw.get("code", "")
        if code:
            first = self._codes.get(code)
            if first is not None:
                errors["code"] = [_("Same code as row %(row)s.") % {"row": first}]
            else:
                self._codes[code] = n
        values = (
            self._product(raw, errors) if self.kind == Kind.PRODUCTS else self._item(raw, errors)
        )
        if errors:
            for key, messages in errors.items():
                self.error(n, key, raw.get(key, ""), messages)
        elif not self.error_count:
            self.prepared.append((n, values))

    def _product(self, raw: dict[str, str], errors: dict[str, list[str]]) -> dict[str, Any]:
        values: dict[str, Any] = {
            k: raw.get(k, "") for k in ("code", "name", "specification", "description")
        }
        values["list_price"] = raw.get("list_price", "")
        unit_text = raw.get("unit", "")
        values["unit"] = self.units.get(unit_text.lower()) if unit_text else None
        if unit_text and values["unit"] is None:
            errors["unit"] = [
                _("“%(value)s” is not a unit of measure.") % {"value": unit_text[:20]}
            ]
        brand = None
        if raw.get("brand"):
            brand = self.brands.get(raw["brand"].lower())
            if brand is None:
                errors["brand"] = [
                    _("No brand is named “%(value)s”; add it on the brands page first.")
                    % {"value": raw["brand"][:60]}
                ]
        values["brand"] = brand
        values["series"] = None
        if raw.get("series") and brand is not None:
            values["series"] = self.series.get((brand.pk, raw["series"].lower()))
            if values["series"] is None:
                errors["series"] = [
                    _("The brand has no series “%(value)s”.") % {"value": raw["series"][:60]}
                ]
        elif raw.get("series") and "brand" not in errors:
            errors["series"] = [_("Choose the brand of the series.")]
        active = truthy(raw.get("active", ""), blank=True, yes=_ACTIVE_YES, no=_ACTIVE_NO)
        if active is None:
            errors["active"] = [_("Enter 是 or 否.")]
        values["active"] = active if active is not None else True
        existing = (
            Product.all_objects.filter(code=values["code"]).first() if values["code"] else None
        )
        if existing is not None and existing.is_deleted:
            errors.setdefault("code", []).append(
                _("A product in the recycle bin has this code; restore it first.")
            )
        check = {k: v for k, v in values.items() if k != "unit" or "unit" not in errors}
        try:
            checked = services.product_values_check(check, current=existing)
        except ValidationFailed as exc:
            for key, messages in exc.fields.items():
                errors.setdefault(key, list(messages))
            checked = values
        for key in ("name", "specification"):
            limit = getattr(Product._meta.get_field(key), "max_length", None)
            if limit and len(str(values.get(key) or "")) > limit and key not in errors:
                errors[key] = [_("At most %(max_length)s characters.") % {"max_length": limit}]
        checked["_existing"] = existing.pk if existing is not None else None
        return checked

    def _item(self, raw: dict[str, str], errors: dict[str, list[str]]) -> dict[str, Any]:
        code = raw.get("code", "")
        product = Product.objects.filter(code=code).first() if code else None
        if not code:
            errors["code"] = [_("Enter the product's code.")]
        elif product is None:
            errors.setdefault("code", []).append(_("No product has this code."))
        price = services.clean_price(raw.get("price", ""))
        if price is None:
            errors["price"] = [services.price_message()]
        return {"product": product, "price": price}


# --- the job ---------------------------------------------------------------------------------


def import_require(user: Any, kind: str) -> None:
    if kind == Kind.PRODUCTS:
        selectors.require_catalogue(user, Action.CREATE)
        selectors.require_catalogue(user, Action.EDIT)
    elif kind == Kind.ITEMS:
        selectors.require_catalogue(user, Action.EDIT)
    else:
        raise ValidationFailed(fields={"kind": [_("Choose products or price list items.")]})


def import_start(
    *, user: Any, kind: str, upload: Any, dry_run: bool, price_list: PriceList | None = None
) -> Job:
    """Check the caller's rights and the file, keep it, and start the job."""
    import_require(user, kind)
    if kind == Kind.ITEMS and price_list is None:
        raise ValidationFailed(fields={"price_list": [_("Choose the price list.")]})
    stored = save_upload(upload)
    try:
        open_table(Path(stored["path"]), PurePath(stored["path"]).suffix)
    except DomainError:
        Path(stored["path"]).unlink(missing_ok=True)
        raise
    return job_enqueue(
        kind=JOB_KIND,
        payload={
            **stored,
            "kind": kind,
            "dry_run": dry_run,
            "price_list": price_list.pk if price_list else None,
        },
        user=user,
    )


def import_again(*, user: Any, job: Job, dry_run: bool) -> Job:
    """Import the file of an earlier dry run (or check it again)."""
    import_require(user, job.payload.get("kind", ""))
    path = Path(job.payload.get("path", ""))
    if job.kind != JOB_KIND or not job.payload.get("dry_run") or not path.is_file():
        raise ValidationFailed(_("The uploaded file is no longer here; upload it again."))
    return job_enqueue(kind=JOB_KIND, payload={**job.payload, "dry_run": dry_run}, user=user)


def _write(kind: str, user: Any, rows: list[tuple[int, dict[str, Any]]], pl: Any) -> int:
    with transaction.atomic():
        for _n, values in rows:
            if kind == Kind.ITEMS:
                services_prices.item_set(
                    price_list=pl, product=values["product"], price=values["price"], actor=user
                )
                continue
            existing = values.pop("_existing", None)
            if existing is None:
                services.product_create(actor=user, **values)
            else:
                product = Product.objects.get(pk=existing)
                services.product_update(
                    product=product, version=product.version, actor=user, **values
                )
    return len(rows)


def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    """The job handler: check every row; unless a dry run with no errors, write them all."""
    payload = job.payload
    kind, dry_run = payload["kind"], bool(payload["dry_run"])
    path = Path(payload["path"])
    user = User.objects.select_related("unit").get(pk=job.created_by_id)
    result: dict[str, Any] = {"kind": kind, "dry_run": dry_run, "filename": payload["filename"]}
    result["price_list"] = payload.get("price_list")
    try:
        import_require(user, kind)
        price_list = None
        if kind == Kind.ITEMS:
            price_list = selectors.price_list_get_for_user(user=user, pk=payload["price_list"])
        table = open_table(path, path.suffix)
        mapping = auto_mapping(columns_of(kind), table.headers)
        result |= {"headers": table.headers, "mapping": mapping, "rows": 0, "created": 0}
        missing = [c for c in columns_of(kind) if c.required and mapping.get(c.key) is None]
        if missing:
            raise JobFailed(
                _("The file has no column for: %(names)s. Fix the header and upload it again.")
                % {"names": "、".join(zh(c.label) for c in missing)},
                result,
            )
        if table.total > MAX_ROWS:
            raise JobFailed(_("At most 100,000 rows per file; split the file."), result)
        checker = Checker(kind, table.headers, mapping)
        progress(0, table.total)
        for n, cells in enumerate(table.rows(), start=2):
            checker.check(n, cells)
            if n % 500 == 0:
                progress(n - 1, table.total)
        progress(table.total, table.total)
        result |= {
            "rows": checker.rows,
            "valid": checker.rows - len({e["row"] for e in checker.errors}),
            "error_count": checker.error_count,
            "errors": checker.errors,
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
        if dry_run or checker.error_count:
            return result
        result["created"] = _write(kind, user, checker.prepared, price_list)
        return result
    except DomainError as exc:
        raise JobFailed(exc.message, result) from None
    finally:
        if not dry_run:
            path.unlink(missing_ok=True)


def result_context(job: Job) -> dict[str, Any]:
    """What the job page shows of an import: the preview, the errors, the import button."""
    result = job.result or {}
    kind = result.get("kind", Kind.PRODUCTS)
    mapping: dict[str, Any] = result.get("mapping") or {}
    shown = [c for c in columns_of(kind) if mapping.get(c.key) is not None]
    preview = [[row.get(c.key, "") for c in shown] for row in result.get("preview") or []]
    rows = [r.get("row", "") for r in result.get("preview") or []]
    return {
        "import_kind": kind,
        "preview_columns": [c.label for c in shown],
        "preview_rows": list(zip(rows, preview, strict=True)),
        "can_commit": bool(
            result.get("dry_run")
            and job.status == "succeeded"
            and not result.get("error_count")
            and result.get("rows")
            and Path(job.payload.get("path", "")).is_file()
        ),
    }
