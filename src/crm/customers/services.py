"""Every write to customers, contacts and interactions: in a transaction, with history."""

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, ValidationFailed
from crm.core.files import checked_upload
from crm.core.models import AuditAction
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.org.models import OrgUnit, UnitKind

from . import validators
from .models import Choice, ChoiceKind, Contact, Customer, Interaction, SavedFilter
from .normalise import normalise_name
from .searchkeys import build_key

# Fields a caller may set on a customer (besides units_served, which is many-to-many).
CUSTOMER_FIELDS = [
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
    "region",
    "industry",
    "rating",
    "nature",
    "size",
    "credit_level",
    "source",
    "credit_limit",
    "cooperation_history",
    "status",
    "tags",
    "owner",
    "org_unit",
]
CHOICE_FIELDS = {
    "region": ChoiceKind.REGION,
    "industry": ChoiceKind.INDUSTRY,
    "rating": ChoiceKind.RATING,
    "nature": ChoiceKind.NATURE,
    "size": ChoiceKind.SIZE,
    "credit_level": ChoiceKind.CREDIT_LEVEL,
    "source": ChoiceKind.SOURCE,
}
CONTACT_FIELDS = [
    "name",
    "title",
    "role",
    "mobile",
    "landline",
    "email",
    "wechat",
    "birthday",
    "notes",
    "is_primary",
]
CODE_PREFIX = "C"
CODE_DIGITS = 8


def _validation_error(exc: ValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return ValidationFailed(fields={k: [str(m) for m in v] for k, v in fields.items()})


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


# --- search keys -------------------------------------------------------------------------


class Keyed(Protocol):
    """What the search column is made of (a Customer, or an import's row before it is one)."""

    name: str
    short_name: str
    phone: str
    code: str
    uscc: str


def customer_search_text(customer: Keyed, contacts: Iterable[Any]) -> str:
    """The search column: names, codes, phones of the customer and its live contacts.

    `contacts` are Contact objects or dicts with name/mobile/landline. Sensitive fields
    (tax id, bank account, credit level) are never part of it.
    """
    texts = [customer.name, customer.short_name]
    phones = [customer.phone]
    for c in contacts:
        row = c if isinstance(c, dict) else vars(c)
        texts.append(str(row.get("name") or ""))
        phones += [str(row.get("mobile") or ""), str(row.get("landline") or "")]
    return build_key(texts=texts, plain=[customer.code, customer.uscc], phones=phones)


def customer_refresh_search(*, customer: Customer) -> None:
    """Recompute the search column and the normalised name (derived data: no version bump,
    no history)."""
    contacts = Contact.objects.filter(customer_id=customer.pk).values("name", "mobile", "landline")
    text = customer_search_text(customer, contacts)
    key = normalise_name(customer.name)
    Customer.all_objects.filter(pk=customer.pk).update(search_text=text, name_key=key)
    customer.search_text = text
    customer.name_key = key


# --- customers ---------------------------------------------------------------------------


def next_code_number() -> int:
    """The number after the highest assigned code (codes are fixed-width, so they sort)."""
    last = (
        Customer.all_objects.filter(code__startswith=CODE_PREFIX)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    try:
        return int(last[len(CODE_PREFIX) :]) + 1 if last else 1
    except ValueError:
        return Customer.all_objects.count() + 1


def format_code(number: int) -> str:
    return f"{CODE_PREFIX}{number:0{CODE_DIGITS}d}"


def _clean_customer(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check the fields present in `values`; raise all field errors at once."""
    errors: dict[str, list[str]] = {}
    out = dict(values)
    for key in ("name", "short_name", "tax_id", "bank", "bank_account", "street", "phone"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "name" in out and not out["name"]:
        errors["name"] = [_("Enter the customer's name.")]
    for key, fn in (("uscc", validators.clean_uscc), ("tags", validators.clean_tags)):
        if key in out:
            try:
                out[key] = fn(out[key] or "")
            except ValidationError as exc:
                errors[key] = [str(m) for m in exc.messages]
    if "credit_limit" in out:
        try:
            limit = Decimal(str(out["credit_limit"] if out["credit_limit"] is not None else 0))
        except InvalidOperation:
            limit = Decimal(-1)
        if not limit.is_finite() or limit < 0 or limit >= Decimal(10) ** 14:
            errors["credit_limit"] = [_("Enter an amount of zero or more.")]
        out["credit_limit"] = limit
    for key, kind in CHOICE_FIELDS.items():
        value = out.get(key)
        if value is not None and (
            not isinstance(value, Choice) or value.kind != kind or not value.active
        ):
            errors[key] = [_("Choose an entry of the list.")]
    for key in ("province", "city", "district"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _check_uscc_free(uscc: str, exclude_pk: int | None = None) -> None:
    if not uscc:
        return
    taken = Customer.objects.filter(uscc=uscc)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _field_error(
            "uscc", _("Another customer already has this unified social credit code.")
        )


def _check_units_served(units: list[OrgUnit]) -> None:
    if any(u.kind not in (UnitKind.COMPANY, UnitKind.BRANCH) for u in units):
        raise _field_error("units_served", _("Only companies and branches can serve customers."))


def _save_retrying_code(create: Callable[[], Customer]) -> Customer:
    """Retry when a concurrent create took the same code; other integrity errors are input."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError as exc:
            if "code" not in str(exc).lower():
                raise _field_error(
                    "uscc", _("Another customer already has this unified social credit code.")
                ) from None
    raise Conflict(_("Could not assign a customer code; try again."), code="code_busy")


def _check_duplicates(actor: Any, values: dict[str, Any], exclude_pk: int | None) -> None:
    """Refuse a likely duplicate (same USCC/tax ID/phone, similar name) unless overridden."""
    from .dedupe import PossibleDuplicate, find_duplicates

    matches = find_duplicates(
        user=actor,
        name=values.get("name", ""),
        uscc=values.get("uscc", ""),
        tax_id=values.get("tax_id", ""),
        phone=values.get("phone", ""),
        exclude_pk=exclude_pk,
    )
    if matches:
        raise PossibleDuplicate(matches)


def customer_create(
    *,
    actor: Any,
    name: str,
    units_served: list[OrgUnit] | None = None,
    allow_duplicates: bool = True,
    **fields: Any,
) -> Customer:
    """Create a customer; owner defaults to the actor and the unit to the owner's unit.

    With `allow_duplicates=False` a likely duplicate raises PossibleDuplicate (409
    `possible_duplicate`); pages and the API pass the user's override.
    """
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    values = _clean_customer({"name": name, **fields})
    owner = values.get("owner") or actor
    org_unit = values.get("org_unit") or getattr(owner, "unit", None)
    if owner is None or getattr(owner, "pk", None) is None:
        raise _field_error("owner", _("Choose the customer's owner."))
    if org_unit is None:
        raise _field_error("org_unit", _("The owner belongs to no unit; choose a unit."))
    values.update(owner=owner, org_unit=org_unit)
    errors = validators.check_address(
        values.get("province", ""), values.get("city", ""), values.get("district", "")
    )
    if errors:
        raise ValidationFailed(fields=errors)
    _check_uscc_free(values.get("uscc", ""))
    if units_served:
        _check_units_served(units_served)
    if not allow_duplicates:
        _check_duplicates(actor, values, None)

    def create() -> Customer:
        customer = Customer(**values)
        customer.code = format_code(next_code_number())
        customer.search_text = customer_search_text(customer, [])
        customer.name_key = normalise_name(customer.name)
        try:
            record_create(instance=customer, actor=actor)
        except ValidationError as exc:
            if "code" in getattr(exc, "message_dict", {}):
                raise IntegrityError("code taken") from None
            raise _validation_error(exc) from None
        if units_served:
            customer.units_served.set(units_served)
        return customer

    return _save_retrying_code(create)


def customer_update(
    *,
    customer: Customer,
    version: int,
    actor: Any,
    units_served: list[OrgUnit] | None = None,
    allow_duplicates: bool = True,
    **changes: Any,
) -> Customer:
    """Apply `changes` if `version` is current (else StaleVersion → 409).

    With `allow_duplicates=False`, a change of name, USCC, tax ID or phone that makes the
    customer look like another one raises PossibleDuplicate.
    """
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    values = _clean_customer(changes)
    if "owner" in values and values["owner"] is None:
        raise _field_error("owner", _("Choose the customer's owner."))
    if "owner" in values and "org_unit" not in values:
        values["org_unit"] = values["owner"].unit
    if "org_unit" in values and values["org_unit"] is None:
        raise _field_error("org_unit", _("The owner belongs to no unit; choose a unit."))
    address = {k: values.get(k, getattr(customer, k)) for k in ("province", "city", "district")}
    errors = validators.check_address(address["province"], address["city"], address["district"])
    if errors:
        raise ValidationFailed(fields=errors)
    if values.get("uscc"):
        _check_uscc_free(values["uscc"], exclude_pk=customer.pk)
    if units_served is not None:
        _check_units_served(units_served)
    identity = {"name", "uscc", "tax_id", "phone"}
    if not allow_duplicates and any(
        k in values and values[k] != getattr(customer, k) for k in identity
    ):
        current = {k: values.get(k, getattr(customer, k)) for k in identity}
        _check_duplicates(actor, current, customer.pk)
    with transaction.atomic():
        try:
            updated = record_update(instance=customer, version=version, changes=values, actor=actor)
        except ValidationError as exc:
            raise _validation_error(exc) from None
        except IntegrityError:
            raise _field_error(
                "uscc", _("Another customer already has this unified social credit code.")
            ) from None
        if units_served is not None:
            before = sorted(str(u) for u in updated.units_served.all())
            updated.units_served.set(units_served)
            after = sorted(str(u) for u in units_served)
            if before != after:
                audit_log(
                    instance=updated,
                    action=AuditAction.UPDATE,
                    actor=actor,
                    changes={
                        "units_served": {
                            "label": str(Customer._meta.get_field("units_served").verbose_name),
                            "old": ", ".join(before),
                            "new": ", ".join(after),
                        }
                    },
                )
        if {"name", "short_name", "phone", "uscc"} & set(values):
            customer_refresh_search(customer=updated)
    return updated


def customer_delete(*, customer: Customer, actor: Any) -> Customer:
    """Soft delete: the customer, its contacts and timeline go to the recycle bin together."""
    return record_soft_delete(instance=customer, actor=actor)


def customer_restore(*, customer: Customer, actor: Any) -> Customer:
    if customer.uscc and Customer.objects.filter(uscc=customer.uscc).exists():
        raise Conflict(
            _("Another customer already has this unified social credit code."), code="uscc_taken"
        )
    return record_restore(instance=customer, actor=actor)


# --- contacts ----------------------------------------------------------------------------


def _clean_contact(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out = dict(values)
    for key in ("name", "title", "email", "wechat", "notes"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "name" in out and not out["name"]:
        errors["name"] = [_("Enter the contact's name.")]
    for key, fn in (("mobile", validators.clean_mobile), ("landline", validators.clean_landline)):
        if key in out:
            try:
                out[key] = fn(out[key] or "")
            except ValidationError as exc:
                errors[key] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _lock_customer(customer: Customer) -> Customer:
    """Serialise contact writes of one customer (the one-primary rule). Caller is atomic."""
    locked = Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if locked is None:
        raise Conflict(_("The customer has been deleted."), code="customer_deleted")
    return locked


def contact_create(*, customer: Customer, actor: Any, name: str, **fields: Any) -> Contact:
    """Add a contact; the first contact of a customer becomes its primary contact."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    values = _clean_contact({"name": name, **fields})
    with transaction.atomic():
        _lock_customer(customer)
        has_contacts = Contact.objects.filter(customer=customer).exists()
        if not has_contacts:
            values["is_primary"] = True
        elif values.get("is_primary"):
            Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
        contact = Contact(customer=customer, **values)
        try:
            record_create(instance=contact, actor=actor)
        except ValidationError as exc:
            raise _validation_error(exc) from None
        customer_refresh_search(customer=customer)
    return contact


def contact_update(*, contact: Contact, version: int, actor: Any, **changes: Any) -> Contact:
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    values = _clean_contact(changes)
    with transaction.atomic():
        _lock_customer(contact.customer)
        if values.get("is_primary"):
            Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
                pk=contact.pk
            ).update(is_primary=False)
        try:
            updated = record_update(instance=contact, version=version, changes=values, actor=actor)
        except ValidationError as exc:
            raise _validation_error(exc) from None
        customer_refresh_search(customer=contact.customer)
    return updated


def contact_delete(*, contact: Contact, actor: Any) -> Contact:
    with transaction.atomic():
        _lock_customer(contact.customer)
        was_primary = contact.is_primary
        if was_primary:
            Contact.all_objects.filter(pk=contact.pk).update(is_primary=False)
        deleted = record_soft_delete(instance=contact, actor=actor)
        if was_primary:
            # Another contact takes over, so a customer with contacts always has a primary.
            successor = Contact.objects.filter(customer_id=contact.customer_id).first()
            if successor is not None:
                Contact.objects.filter(pk=successor.pk).update(is_primary=True)
        customer_refresh_search(customer=contact.customer)
    return deleted


def contact_restore(*, contact: Contact, actor: Any) -> Contact:
    if contact.customer.is_deleted:
        raise Conflict(_("Restore the customer first."), code="customer_deleted")
    with transaction.atomic():
        _lock_customer(contact.customer)
        restored = record_restore(instance=contact, actor=actor)
        if not Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exists():
            Contact.objects.filter(pk=contact.pk).update(is_primary=True)
            restored.is_primary = True
        customer_refresh_search(customer=contact.customer)
    return restored


# --- interactions ------------------------------------------------------------------------


def interaction_create(
    *,
    customer: Customer,
    actor: Any,
    channel: str,
    occurred_at: Any,
    summary: str,
    direction: str = "out",
    contact: Contact | None = None,
    attachment: Any = None,
) -> Interaction:
    """Log one interaction; `attachment` is an uploaded file (size and type are checked)."""
    summary = (summary or "").strip()
    if not summary:
        raise _field_error("summary", _("Write what happened."))
    if contact is not None and contact.customer_id != customer.pk:
        raise _field_error("contact", _("This contact belongs to another customer."))
    item = Interaction(
        customer=customer,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        summary=summary,
        contact=contact,
        author=actor if getattr(actor, "pk", None) else None,
    )
    if attachment is not None:
        item.attachment_name = checked_upload(attachment, "attachment")
        item.attachment = attachment
    with transaction.atomic():
        if not Customer.objects.filter(pk=customer.pk).exists():
            raise Conflict(_("The customer has been deleted."), code="customer_deleted")
        try:
            record_create(instance=item, actor=actor)
        except ValidationError as exc:
            raise _validation_error(exc) from None
    return item


def interaction_delete(*, interaction: Interaction, actor: Any) -> Interaction:
    return record_soft_delete(instance=interaction, actor=actor)


# --- saved filters ("my views") ----------------------------------------------------------


def saved_filter_save(*, user: Any, name: str, query: str) -> SavedFilter:
    """Save the list's query string under `name` (replacing the user's view of that name)."""
    name = (name or "").strip()
    if not name:
        raise _field_error("name", _("Name the view."))
    if len(name) > 60:
        raise _field_error("name", _("At most 60 characters."))
    if len(query) > 1000:
        raise _field_error("query", _("The filter is too long."))
    with transaction.atomic():
        saved, _created = SavedFilter.objects.update_or_create(
            user=user, name=name, defaults={"query": query}
        )
    return saved


def saved_filter_delete(*, saved_filter: SavedFilter) -> None:
    saved_filter.delete()


# --- import (CUS-7) ----------------------------------------------------------------------


def customer_values_check(values: dict[str, Any]) -> dict[str, Any]:
    """The field rules of customer_create for one row of an import: the normalised values,
    or ValidationFailed with every field's errors (address included)."""
    errors: dict[str, list[str]] = {}
    try:
        out = _clean_customer(values)
    except ValidationFailed as exc:
        errors = dict(exc.fields)
        out = dict(values)
    for key, messages in validators.check_address(
        out.get("province", ""), out.get("city", ""), out.get("district", "")
    ).items():
        errors.setdefault(key, messages)
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def contact_values_check(values: dict[str, Any]) -> dict[str, Any]:
    """The field rules of contact_create for one row of an import."""
    return _clean_contact(values)
