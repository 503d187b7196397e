"""Every write to the catalogue: units, brands, series and products. In a transaction, with
history. Price lists and customer prices: services_prices.py. Rights are checked by the
callers (pages, API) through selectors.require_catalogue."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.core.audit import audit_log, diff, snapshot
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.customers.searchkeys import build_key

from .models import Brand, Product, Series, UnitOfMeasure

PRODUCT_FIELDS = [
    "code",
    "name",
    "brand",
    "series",
    "specification",
    "unit",
    "list_price",
    "active",
    "description",
    "warranty_months",
]
MAX_PRICE = Decimal(10) ** 14


def validation_error(exc: ValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return ValidationFailed(fields={k: [str(m) for m in v] for k, v in fields.items()})


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def clean_price(value: Any, *, allow_zero: bool = False) -> Decimal | None:
    """A price as Decimal (at most 4 places), or None when it is not a valid price."""
    if isinstance(value, float):
        value = str(value)
    try:
        price = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        return None
    if not price.is_finite() or price >= MAX_PRICE or price.as_tuple().exponent < -4:  # type: ignore[operator]
        return None
    if price < 0 or (price == 0 and not allow_zero):
        return None
    return price


def price_message() -> str:
    return _("Enter a price greater than zero (at most 4 decimal places).")


# --- units of measure --------------------------------------------------------------------


def _clean_unit(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    for key in ("code", "name"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "code" in out and not out["code"]:
        errors["code"] = [_("Enter the unit's code.")]
    if "name" in out and not out["name"]:
        errors["name"] = [_("Enter the unit's name.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _unit_code_free(code: str, exclude_pk: int | None = None) -> None:
    taken = UnitOfMeasure.objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise field_error("code", _("Another unit already has this code."))


def unit_create(
    *, actor: Any, code: str, name: str, active: bool = True, sort_order: int = 0
) -> UnitOfMeasure:
    values = _clean_unit({"code": code, "name": name})
    with transaction.atomic():
        _unit_code_free(values["code"])
        unit = UnitOfMeasure(**values, active=active, sort_order=sort_order)
        try:
            unit.full_clean()
        except ValidationError as exc:
            raise validation_error(exc) from None
        unit.save()
        audit_log(instance=unit, action=AuditAction.CREATE, actor=actor)
    return unit


def unit_update(*, unit: UnitOfMeasure, actor: Any, **changes: Any) -> UnitOfMeasure:
    """Rename, reorder or retire a unit (a retired unit stays on the products that have it)."""
    unknown = set(changes) - {"code", "name", "active", "sort_order"}
    if unknown:
        raise TypeError(f"unknown unit fields: {sorted(unknown)}")
    values = _clean_unit(changes)
    with transaction.atomic():
        current = UnitOfMeasure.objects.select_for_update().get(pk=unit.pk)
        if "code" in values:
            _unit_code_free(values["code"], exclude_pk=unit.pk)
        fields = list(values)
        before = snapshot(current, fields)
        for key, value in values.items():
            setattr(current, key, value)
        try:
            current.full_clean()
        except ValidationError as exc:
            raise validation_error(exc) from None
        current.save()
        changed = diff(before, snapshot(current, fields), current)
        if changed:
            audit_log(instance=current, action=AuditAction.UPDATE, actor=actor, changes=changed)
    return current


# --- brands and series -------------------------------------------------------------------


def _name(values: dict[str, Any], message: str) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = str(out["name"] or "").strip()
        if not out["name"]:
            raise field_error("name", message)
        if len(out["name"]) > 60:
            raise field_error("name", _("At most %(max_length)s characters.") % {"max_length": 60})
    return out


def _brand_name_free(name: str, exclude_pk: int | None = None) -> None:
    taken = Brand.objects.filter(name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise field_error("name", _("A brand with this name already exists."))


def brand_create(*, actor: Any, name: str, active: bool = True, sort_order: int = 0) -> Brand:
    values = _name({"name": name}, _("Enter the brand's name."))
    with transaction.atomic():
        _brand_name_free(values["name"])
        brand = Brand(name=values["name"], active=active, sort_order=sort_order)
        try:
            return record_create(instance=brand, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None


def brand_update(*, brand: Brand, version: int, actor: Any, **changes: Any) -> Brand:
    unknown = set(changes) - {"name", "active", "sort_order"}
    if unknown:
        raise TypeError(f"unknown brand fields: {sorted(unknown)}")
    values = _name(changes, _("Enter the brand's name."))
    with transaction.atomic():
        if "name" in values:
            _brand_name_free(values["name"], exclude_pk=brand.pk)
        try:
            updated = record_update(instance=brand, version=version, changes=values, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None
        if "name" in values and values["name"] != brand.name:
            refresh_search(Product.all_objects.filter(brand=updated))
    return updated


def brand_delete(*, brand: Brand, actor: Any) -> Brand:
    """Soft delete; refused while live products or series still use the brand."""
    with transaction.atomic():
        used = Product.objects.filter(brand=brand).count()
        if used:
            raise Conflict(
                _("%(n)s products still belong to this brand; move or delete them first.")
                % {"n": used},
                code="brand_in_use",
            )
        if Series.objects.filter(brand=brand).exists():
            raise Conflict(_("The brand still has series; delete them first."), code="brand_in_use")
        return record_soft_delete(instance=brand, actor=actor)


def brand_restore(*, brand: Brand, actor: Any) -> Brand:
    if Brand.objects.filter(name=brand.name).exists():
        raise Conflict(_("A brand with this name already exists."), code="name_taken")
    return record_restore(instance=brand, actor=actor)


def _series_name_free(brand: Brand, name: str, exclude_pk: int | None = None) -> None:
    taken = Series.objects.filter(brand=brand, name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise field_error("name", _("This brand already has a series with this name."))


def series_create(
    *, actor: Any, brand: Brand, name: str, active: bool = True, sort_order: int = 0
) -> Series:
    values = _name({"name": name}, _("Enter the series' name."))
    if brand is None or brand.is_deleted:
        raise field_error("brand", _("Choose a brand."))
    with transaction.atomic():
        _series_name_free(brand, values["name"])
        series = Series(brand=brand, name=values["name"], active=active, sort_order=sort_order)
        try:
            return record_create(instance=series, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None


def series_update(*, series: Series, version: int, actor: Any, **changes: Any) -> Series:
    """Rename, reorder or retire a series (its brand is fixed: products depend on it)."""
    unknown = set(changes) - {"name", "active", "sort_order"}
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    values = _name(changes, _("Enter the series' name."))
    with transaction.atomic():
        if "name" in values:
            _series_name_free(series.brand, values["name"], exclude_pk=series.pk)
        try:
            updated = record_update(instance=series, version=version, changes=values, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None
        if "name" in values and values["name"] != series.name:
            refresh_search(Product.all_objects.filter(series=updated))
    return updated


def series_delete(*, series: Series, actor: Any) -> Series:
    with transaction.atomic():
        used = Product.objects.filter(series=series).count()
        if used:
            raise Conflict(
                _("%(n)s products still belong to this series; move or delete them first.")
                % {"n": used},
                code="series_in_use",
            )
        return record_soft_delete(instance=series, actor=actor)


def series_restore(*, series: Series, actor: Any) -> Series:
    if series.brand.is_deleted:
        raise Conflict(_("Restore the brand first."), code="brand_deleted")
    if Series.objects.filter(brand_id=series.brand_id, name=series.name).exists():
        raise Conflict(_("This brand already has a series with this name."), code="name_taken")
    return record_restore(instance=series, actor=actor)


# --- products ----------------------------------------------------------------------------


def product_search_text(product: Product) -> str:
    brand = product.brand.name if product.brand_id and product.brand else ""
    series = product.series.name if product.series_id and product.series else ""
    return build_key(
        texts=[product.name, product.specification, brand, series], plain=[product.code]
    )


def refresh_search(products: Any) -> None:
    """Recompute the search column of `products` (derived data: no version, no history)."""
    for product in products.select_related("brand", "series"):
        Product.all_objects.filter(pk=product.pk).update(search_text=product_search_text(product))


def _clean_product(values: dict[str, Any], current: Product | None = None) -> dict[str, Any]:
    """Normalise and check the fields present in `values`; all field errors at once."""
    errors: dict[str, list[str]] = {}
    out = dict(values)
    for key in ("code", "name", "specification", "description"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "code" in out:
        if not out["code"]:
            errors["code"] = [_("Enter the product's code.")]
        elif len(out["code"]) > 40:
            errors["code"] = [_("At most %(max_length)s characters.") % {"max_length": 40}]
    if "name" in out and not out["name"]:
        errors["name"] = [_("Enter the product's name.")]
    if "list_price" in out:
        price = clean_price(out["list_price"])
        if price is None:
            errors["list_price"] = [price_message()]
        out["list_price"] = price
    if "unit" in out:
        unit = out["unit"]
        unchanged = current is not None and unit is not None and unit.pk == current.unit_id
        if unit is None:
            errors["unit"] = [_("Choose the unit of measure.")]
        elif not unit.active and not unchanged:
            errors["unit"] = [_("This unit is retired; choose another.")]
    brand = out.get("brand", current.brand if current else None)
    series = out.get("series", current.series if current else None)
    if "brand" in out and brand is not None:
        unchanged = current is not None and brand.pk == current.brand_id
        if brand.is_deleted or (not brand.active and not unchanged):
            errors["brand"] = [_("This brand is retired; choose another.")]
    if "series" in out and series is not None:
        unchanged = current is not None and series.pk == current.series_id
        if series.is_deleted or (not series.active and not unchanged):
            errors["series"] = [_("This series is retired; choose another.")]
        elif brand is None and "brand" not in out:
            out["brand"] = brand = series.brand
    if series is not None and brand is not None and series.brand_id != brand.pk:
        errors["series"] = [_("This series belongs to another brand.")]
    if series is not None and brand is None:
        errors["series"] = [_("Choose the brand of the series.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _code_free(code: str, exclude_pk: int | None = None) -> None:
    # Codes are never reused: deleted products (in the recycle bin) keep theirs.
    taken = Product.all_objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise field_error(
            "code", _("Another product (maybe one in the recycle bin) already has this code.")
        )


def product_create(*, actor: Any, code: str, name: str, unit: Any, **fields: Any) -> Product:
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"unknown product fields: {sorted(unknown)}")
    fields.setdefault("list_price", None)
    values = _clean_product({"code": code, "name": name, "unit": unit, **fields})
    try:
        with transaction.atomic():
            _code_free(values["code"])
            product = Product(**values)
            product.search_text = product_search_text(product)
            try:
                record_create(instance=product, actor=actor)
            except ValidationError as exc:
                raise validation_error(exc) from None
    except IntegrityError:
        raise field_error(
            "code", _("Another product (maybe one in the recycle bin) already has this code.")
        ) from None
    return product


def product_update(*, product: Product, version: int, actor: Any, **changes: Any) -> Product:
    """Apply `changes` if `version` is current (else StaleVersion → 409)."""
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"unknown product fields: {sorted(unknown)}")
    values = _clean_product(changes, current=product)
    try:
        with transaction.atomic():
            if "code" in values:
                _code_free(values["code"], exclude_pk=product.pk)
            try:
                updated = record_update(
                    instance=product, version=version, changes=values, actor=actor
                )
            except ValidationError as exc:
                raise validation_error(exc) from None
            if {"code", "name", "specification", "brand", "series"} & set(values):
                updated.search_text = product_search_text(updated)
                Product.all_objects.filter(pk=updated.pk).update(search_text=updated.search_text)
    except IntegrityError:
        raise field_error(
            "code", _("Another product (maybe one in the recycle bin) already has this code.")
        ) from None
    return updated


def product_delete(*, product: Product, actor: Any) -> Product:
    """Soft delete: the product leaves the catalogue (its prices stay with it, hidden)."""
    return record_soft_delete(instance=product, actor=actor)


def product_restore(*, product: Product, actor: Any) -> Product:
    if product.brand_id and Brand.all_objects.filter(pk=product.brand_id, is_deleted=True).exists():
        raise Conflict(_("Restore the brand first."), code="brand_deleted")
    if (
        product.series_id
        and Series.all_objects.filter(pk=product.series_id, is_deleted=True).exists()
    ):
        raise Conflict(_("Restore the series first."), code="series_deleted")
    return record_restore(instance=product, actor=actor)


def product_values_check(values: dict[str, Any], current: Product | None = None) -> dict[str, Any]:
    """The field rules of product_create/product_update for one row of an import."""
    return _clean_product(values, current=current)
