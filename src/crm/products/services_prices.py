"""Every write to price lists, their items and customer prices: in a transaction, with
history. Item changes are recorded in the price list's history."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.customers.models import Choice, ChoiceKind, Customer
from crm.org.models import OrgUnit, UnitKind

from .models import CustomerPrice, PriceList, PriceListItem, Product
from .services import clean_price, price_message, validation_error

PRICE_LIST_FIELDS = [
    "name",
    "business_unit",
    "rating",
    "region",
    "valid_from",
    "valid_to",
    "active",
    "notes",
]
CUSTOMER_PRICE_FIELDS = ["price", "valid_from", "valid_to", "notes"]


def _check_dates(values: dict[str, Any], current: Any, errors: dict[str, list[str]]) -> None:
    start = values.get("valid_from", getattr(current, "valid_from", None))
    end = values.get("valid_to", getattr(current, "valid_to", None))
    if "valid_from" in values and not isinstance(start, date):
        errors["valid_from"] = [_("Enter the first day of validity.")]
        return
    if end is not None and start is not None and end < start:
        errors["valid_to"] = [_("The end of validity cannot be before its start.")]


# --- price lists -------------------------------------------------------------------------


def _clean_price_list(values: dict[str, Any], current: PriceList | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out = dict(values)
    for key in ("name", "notes"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "name" in out and not out["name"]:
        errors["name"] = [_("Enter the price list's name.")]
    if "name" in out and len(out["name"]) > 100:
        errors["name"] = [_("At most %(max_length)s characters.") % {"max_length": 100}]
    for key, kind in (("rating", ChoiceKind.RATING), ("region", ChoiceKind.REGION)):
        value = out.get(key)
        if value is None:
            continue
        unchanged = current is not None and getattr(current, f"{key}_id") == value.pk
        if not isinstance(value, Choice) or value.kind != kind or not (value.active or unchanged):
            errors[key] = [_("Choose an entry of the list.")]
    unit = out.get("business_unit")
    if unit is not None and (
        not isinstance(unit, OrgUnit) or unit.kind != UnitKind.COMPANY or unit.is_deleted
    ):
        errors["business_unit"] = [_("Choose a company (a unit of kind “company”).")]
    _check_dates(out, current, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def price_list_create(*, actor: Any, name: str, valid_from: date, **fields: Any) -> PriceList:
    unknown = set(fields) - set(PRICE_LIST_FIELDS)
    if unknown:
        raise TypeError(f"unknown price list fields: {sorted(unknown)}")
    values = _clean_price_list({"name": name, "valid_from": valid_from, **fields})
    with transaction.atomic():
        price_list = PriceList(**values)
        try:
            return record_create(instance=price_list, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None


def price_list_update(
    *, price_list: PriceList, version: int, actor: Any, **changes: Any
) -> PriceList:
    unknown = set(changes) - set(PRICE_LIST_FIELDS)
    if unknown:
        raise TypeError(f"unknown price list fields: {sorted(unknown)}")
    values = _clean_price_list(changes, current=price_list)
    try:
        return record_update(instance=price_list, version=version, changes=values, actor=actor)
    except ValidationError as exc:
        raise validation_error(exc) from None


def price_list_delete(*, price_list: PriceList, actor: Any) -> PriceList:
    """Soft delete: the list stops pricing at once; its items stay with it for a restore."""
    return record_soft_delete(instance=price_list, actor=actor)


def price_list_restore(*, price_list: PriceList, actor: Any) -> PriceList:
    return record_restore(instance=price_list, actor=actor)


def _lock(price_list: PriceList) -> PriceList:
    locked = PriceList.objects.select_for_update().filter(pk=price_list.pk).first()
    if locked is None:
        raise Conflict(_("The price list has been deleted."), code="price_list_deleted")
    return locked


def _item_audit(price_list: PriceList, product: Product, old: Any, new: Any, actor: Any) -> None:
    audit_log(
        instance=price_list,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={
            f"item:{product.pk}": {
                "label": str(_("Price of %(product)s") % {"product": product}),
                "old": "" if old is None else str(old),
                "new": "" if new is None else str(new),
            }
        },
    )


def item_set(*, price_list: PriceList, product: Product, price: Any, actor: Any) -> PriceListItem:
    """Put `product` on the list at `price`, or change its price there."""
    value = clean_price(price)
    if value is None:
        raise ValidationFailed(fields={"price": [price_message()]})
    if product is None or product.is_deleted:
        raise ValidationFailed(fields={"product": [_("Choose a product of the catalogue.")]})
    with transaction.atomic():
        _lock(price_list)
        item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
        old = item.price if item else None
        if item is None:
            item = PriceListItem(price_list=price_list, product=product)
        item.price = value
        item.updated_by = actor if getattr(actor, "pk", None) else None
        item.save()
        item.refresh_from_db()
        if old is None or old != item.price:
            _item_audit(price_list, product, old, item.price, actor)
    return item


def item_delete(*, item: PriceListItem, actor: Any) -> None:
    """Take a product off the list (recorded in the list's history)."""
    with transaction.atomic():
        _lock(item.price_list)
        deleted, _n = PriceListItem.objects.filter(pk=item.pk).delete()
        if deleted:
            _item_audit(item.price_list, item.product, item.price, None, actor)


def item_values_check(price: Any) -> Any:
    value = clean_price(price)
    if value is None:
        raise ValidationFailed(fields={"price": [price_message()]})
    return value


# --- customer prices ---------------------------------------------------------------------


def _clean_customer_price(
    values: dict[str, Any], current: CustomerPrice | None = None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out = dict(values)
    if "price" in out:
        price = clean_price(out["price"])
        if price is None:
            errors["price"] = [price_message()]
        out["price"] = price
    if "notes" in out:
        out["notes"] = str(out["notes"] or "").strip()
        if len(out["notes"]) > 200:
            errors["notes"] = [_("At most %(max_length)s characters.") % {"max_length": 200}]
    _check_dates(out, current, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def customer_price_create(
    *,
    actor: Any,
    customer: Customer,
    product: Product,
    price: Any,
    valid_from: date,
    valid_to: date | None = None,
    notes: str = "",
) -> CustomerPrice:
    """Agree a price with a customer (the caller checked the customer is in the user's scope)."""
    values = _clean_customer_price(
        {"price": price, "valid_from": valid_from, "valid_to": valid_to, "notes": notes}
    )
    if product is None or product.is_deleted:
        raise ValidationFailed(fields={"product": [_("Choose a product of the catalogue.")]})
    with transaction.atomic():
        if not Customer.objects.filter(pk=customer.pk).exists():
            raise Conflict(_("The customer has been deleted."), code="customer_deleted")
        item = CustomerPrice(customer=customer, product=product, **values)
        try:
            return record_create(instance=item, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None


def customer_price_update(
    *, customer_price: CustomerPrice, version: int, actor: Any, **changes: Any
) -> CustomerPrice:
    unknown = set(changes) - set(CUSTOMER_PRICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer price fields: {sorted(unknown)}")
    values = _clean_customer_price(changes, current=customer_price)
    try:
        return record_update(instance=customer_price, version=version, changes=values, actor=actor)
    except ValidationError as exc:
        raise validation_error(exc) from None


def customer_price_delete(*, customer_price: CustomerPrice, actor: Any) -> CustomerPrice:
    return record_soft_delete(instance=customer_price, actor=actor)


def customer_price_restore(*, customer_price: CustomerPrice, actor: Any) -> CustomerPrice:
    if customer_price.customer.is_deleted:
        raise Conflict(_("Restore the customer first."), code="customer_deleted")
    if customer_price.product.is_deleted:
        raise Conflict(_("Restore the product first."), code="product_deleted")
    return record_restore(instance=customer_price, actor=actor)
