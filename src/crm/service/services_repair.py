"""Every write of warranty and repair (SVC-3): in a transaction, versioned, with history.

A repair ticket with a product may move to "in progress" only while the product is in warranty
(crm.service.selectors_repair.warranty_of), or once someone recorded that the customer pays
for the repair, or a manager (the queue's manager, or a system manager) let it through free.
Work orders are free when the product was in warranty or overridden, charged otherwise; their
totals use the documents' rounding (crm.sales.totals).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.access import get_access
from crm.core.audit import audit_log
from crm.core.errors import Conflict, Forbidden, StaleVersion, ValidationFailed
from crm.core.files import checked_upload
from crm.core.models import AuditAction
from crm.core.modules import Special
from crm.core.services import record_create, record_update
from crm.sales.totals import document_totals, line_totals, places

from . import selectors_repair, services_sla
from .models import (
    DefectSeverity,
    DefectStatus,
    ProductDefect,
    RepairCharge,
    RepairOrder,
    RepairOrderStatus,
    RepairPart,
    Ticket,
    TicketAttachment,
    TicketStatus,
)
from .selectors_repair import WarrantyState

MAX_PARTS = 100
NOT_READ: Any = object()
MAX_AMOUNT = Decimal(10) ** 12


# --- the warranty check ------------------------------------------------------------------


def check_may_start(ticket: Ticket, to: str) -> None:
    """Refuse moving an out-of-warranty repair to "in progress" until the charge is decided.

    Called by services.ticket_transition before the move."""
    if to != TicketStatus.IN_PROGRESS or ticket.repair_charge:
        return
    warranty = selectors_repair.warranty_of(ticket)
    if warranty is None or warranty.covered:
        return
    if warranty.state == WarrantyState.EXPIRED:
        message = _(
            "The warranty of this product expired on %(date)s: record a paid repair (or a "
            "manager's override) before starting the repair."
        ) % {"date": warranty.until}
    else:
        message = _(
            "No purchase of this product by the customer was found, so it is not in warranty: "
            "record a paid repair (or a manager's override) before starting the repair."
        )
    raise Conflict(message, code="out_of_warranty")


def can_override(user: Any, ticket: Ticket) -> bool:
    """A free repair out of warranty: the queue's manager or a system manager."""
    if get_access(user).has(Special.MANAGE_SYSTEM):
        return True
    manager = services_sla.manager_of(ticket.org_unit)
    return manager is not None and manager.pk == user.pk


def repair_charge_set(*, ticket: Ticket, version: int, charge: str, actor: Any) -> Ticket:
    """Record how a repair out of warranty goes ahead (paid / override), or clear it ("")."""
    if not selectors_repair.is_repair(ticket):
        raise Conflict(_("Only repair tickets have a repair charge."), code="not_a_repair")
    if charge not in ("", *RepairCharge.values):
        raise ValidationFailed(fields={"charge": [_("Choose paid repair or override.")]})
    if charge == RepairCharge.OVERRIDE and not can_override(actor, ticket):
        raise Forbidden(_("Only the queue's manager may let a repair through free."))
    return record_update(
        instance=ticket, version=version, changes={"repair_charge": charge}, actor=actor
    )


# --- attachments -------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, ticket: Ticket, file: Any, actor: Any) -> TicketAttachment:
    """Attach a file: the types and size interactions' attachments allow."""
    name = checked_upload(file)
    item = TicketAttachment(ticket=ticket, file=file, name=name, size=file.size, uploaded_by=actor)
    item.save()
    audit_log(
        instance=ticket,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"attachments": {"label": _("Attachments"), "old": "", "new": item.name}},
    )
    Ticket.all_objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return item


# --- repair work orders ------------------------------------------------------------------


def _decimal(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return Decimal(0)
    if not number.is_finite() or number < 0 or number >= MAX_AMOUNT:
        errors[field] = [_("Enter a number that is not negative.")]
        return Decimal(0)
    return number


def _clean_parts(parts: list[dict[str, Any]], errors: dict[str, list[str]]) -> list[dict]:
    if len(parts) > MAX_PARTS:
        errors["parts"] = [_("At most %(n)s parts.") % {"n": MAX_PARTS}]
        return []
    out = []
    for i, part in enumerate(parts):
        if part.get("product") is None:
            errors[f"parts.{i}.product"] = [_("Choose the part.")]
            continue
        quantity = _decimal(part.get("quantity"), f"parts.{i}.quantity", errors)
        if quantity <= 0 and f"parts.{i}.quantity" not in errors:
            errors[f"parts.{i}.quantity"] = [_("The quantity must be more than zero.")]
        price = part.get("unit_price")
        if price in (None, ""):
            price = part["product"].list_price
        out.append(
            {
                "product": part["product"],
                "quantity": quantity,
                "unit_price": _decimal(price, f"parts.{i}.unit_price", errors),
            }
        )
    return out


def _totals(hours: Decimal, rate: Decimal, parts: list[dict[str, Any]]) -> dict[str, Any]:
    p = places()
    parts_totals = document_totals(parts, p)
    labour = line_totals(quantity=hours, unit_price=rate, p=p)
    return {
        "lines": parts_totals.lines,
        "parts_amount": parts_totals.net,
        "labour_amount": labour.net,
        "total_amount": parts_totals.net + labour.net,
    }


def _write_parts(order: RepairOrder, parts: list[dict[str, Any]], lines: list[Any]) -> None:
    order.parts.all().delete()
    RepairPart.objects.bulk_create(
        RepairPart(
            repair_order=order,
            product=part["product"],
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.net,
        )
        for part, line in zip(parts, lines, strict=True)
    )


def free_of_charge(ticket: Ticket, warranty: Any = NOT_READ) -> bool:
    """In warranty, or a manager's override: the repair costs the customer nothing.
    `warranty`: the ticket's, when the caller has already read it."""
    if ticket.repair_charge == RepairCharge.OVERRIDE:
        return True
    if ticket.repair_charge == RepairCharge.PAID:
        return False
    if warranty is NOT_READ:
        warranty = selectors_repair.warranty_of(ticket)
    return warranty is not None and bool(warranty.covered)


@transaction.atomic
def repair_order_create(
    *,
    ticket: Ticket,
    actor: Any,
    labour_hours: Any = 0,
    labour_rate: Any = 0,
    parts: list[dict[str, Any]] | None = None,
    notes: str = "",
) -> RepairOrder:
    """A work order of a repair ticket; free in warranty (or overridden), charged otherwise."""
    if not selectors_repair.is_repair(ticket):
        raise Conflict(_("Only repair tickets have repair orders."), code="not_a_repair")
    errors: dict[str, list[str]] = {}
    hours = _decimal(labour_hours, "labour_hours", errors)
    rate = _decimal(labour_rate, "labour_rate", errors)
    clean = _clean_parts(parts or [], errors)
    if errors:
        raise ValidationFailed(fields=errors)
    totals = _totals(hours, rate, clean)
    order = RepairOrder(
        ticket=ticket,
        customer_id=ticket.customer_id,
        charged=not free_of_charge(ticket),
        labour_hours=hours,
        labour_rate=rate,
        parts_amount=totals["parts_amount"],
        labour_amount=totals["labour_amount"],
        total_amount=totals["total_amount"],
        notes=str(notes or "").strip()[:5000],
    )
    record_create(instance=order, actor=actor)
    RepairOrder.all_objects.filter(pk=order.pk).update(number=f"R{order.pk:09d}")
    order.number = f"R{order.pk:09d}"
    _write_parts(order, clean, totals["lines"])
    return order


@transaction.atomic
def repair_order_update(
    *,
    order: RepairOrder,
    version: int,
    actor: Any,
    labour_hours: Any = None,
    labour_rate: Any = None,
    parts: list[dict[str, Any]] | None = None,
    notes: str | None = None,
    status: str | None = None,
) -> RepairOrder:
    """Change the work (only while open) or move it to done / back to open."""
    if status is not None and status not in RepairOrderStatus.values:
        raise ValidationFailed(fields={"status": [_("Unknown status.")]})
    editing = any(v is not None for v in (labour_hours, labour_rate, parts, notes))
    if editing and order.status == RepairOrderStatus.DONE and status != RepairOrderStatus.OPEN:
        raise Conflict(_("A finished repair order cannot be changed."), code="repair_done")
    errors: dict[str, list[str]] = {}
    hours = (
        order.labour_hours
        if labour_hours is None
        else _decimal(labour_hours, "labour_hours", errors)
    )
    rate = (
        order.labour_rate if labour_rate is None else _decimal(labour_rate, "labour_rate", errors)
    )
    clean = None if parts is None else _clean_parts(parts, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    current_parts = (
        clean
        if clean is not None
        else [
            {"product": p.product, "quantity": p.quantity, "unit_price": p.unit_price}
            for p in order.parts.select_related("product")
        ]
    )
    totals = _totals(Decimal(hours), Decimal(rate), current_parts)
    changes: dict[str, Any] = {
        "labour_hours": hours,
        "labour_rate": rate,
        "parts_amount": totals["parts_amount"],
        "labour_amount": totals["labour_amount"],
        "total_amount": totals["total_amount"],
    }
    if notes is not None:
        changes["notes"] = str(notes).strip()[:5000]
    if status is not None and status != order.status:
        changes["status"] = status
        changes["done_at"] = timezone.now() if status == RepairOrderStatus.DONE else None
    updated = record_update(instance=order, version=version, changes=changes, actor=actor)
    if clean is not None:
        _write_parts(updated, clean, totals["lines"])
    return updated


# --- one part line at a time (the ticket page) -------------------------------------------


def _part_lines(order: RepairOrder, version: int) -> list[dict[str, Any]]:
    """The order's part lines as repair_order_update takes them, with their ids; a stale
    `version` is refused before the lines are read (they are rewritten on every change)."""
    if order.version != version:
        raise StaleVersion()
    if order.status == RepairOrderStatus.DONE:
        raise Conflict(_("A finished repair order cannot be changed."), code="repair_done")
    return [
        {"id": p.pk, "product": p.product, "quantity": p.quantity, "unit_price": p.unit_price}
        for p in order.parts.select_related("product").order_by("id")
    ]


def _line_index(lines: list[dict[str, Any]], part_id: Any) -> int:
    for i, line in enumerate(lines):
        if line["id"] == part_id:
            return i
    raise ValidationFailed(fields={"line": [_("This part line no longer exists.")]})


def repair_part_add(
    *,
    order: RepairOrder,
    version: int,
    actor: Any,
    product: Any,
    quantity: Any,
    unit_price: Any = None,
) -> RepairOrder:
    """One more part line (the list price when `unit_price` is empty)."""
    lines = _part_lines(order, version)
    new = {"product": product, "quantity": quantity, "unit_price": unit_price}
    return _replace_parts(order, version, actor, [*lines, new], index=len(lines))


def repair_part_change(
    *, order: RepairOrder, version: int, actor: Any, part_id: int, quantity: Any, unit_price: Any
) -> RepairOrder:
    """A new quantity and unit price of one part line (empty price: the list price)."""
    lines = _part_lines(order, version)
    index = _line_index(lines, part_id)
    lines[index] = {**lines[index], "quantity": quantity, "unit_price": unit_price}
    return _replace_parts(order, version, actor, lines, index=index)


def repair_part_remove(
    *, order: RepairOrder, version: int, actor: Any, part_id: int
) -> RepairOrder:
    lines = _part_lines(order, version)
    del lines[_line_index(lines, part_id)]
    return _replace_parts(order, version, actor, lines)


def _replace_parts(
    order: RepairOrder,
    version: int,
    actor: Any,
    lines: list[dict[str, Any]],
    index: int | None = None,
) -> RepairOrder:
    """Write the whole list; errors of the line at `index` as plain field errors."""
    parts = [{k: v for k, v in line.items() if k != "id"} for line in lines]
    try:
        return repair_order_update(order=order, version=version, actor=actor, parts=parts)
    except ValidationFailed as exc:
        prefix = f"parts.{index}."
        fields = {
            (k[len(prefix) :] if k.startswith(prefix) else k): v for k, v in exc.fields.items()
        }
        raise ValidationFailed(fields=fields) from None


# --- product defects ---------------------------------------------------------------------

DEFECT_FIELDS = ("product", "batch_number", "severity", "status", "description")


def _clean_defect(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    for key in ("batch_number", "description"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "description" in out and not out["description"]:
        errors["description"] = [_("Describe the defect.")]
    if "batch_number" in out and len(out["batch_number"]) > 60:
        errors["batch_number"] = [_("At most %(max_length)s characters.") % {"max_length": 60}]
    if "product" in out and out["product"] is None:
        errors["product_id"] = [_("Choose the product.")]
    if "severity" in out and out["severity"] not in DefectSeverity.values:
        errors["severity"] = [_("Unknown severity.")]
    if "status" in out and out["status"] not in DefectStatus.values:
        errors["status"] = [_("Unknown status.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


@transaction.atomic
def defect_create(
    *,
    ticket: Ticket,
    actor: Any,
    description: str,
    product: Any = None,
    batch_number: str = "",
    severity: str = DefectSeverity.MINOR,
) -> ProductDefect:
    """A defect found through a ticket; the product defaults to the ticket's."""
    data = _clean_defect(
        {
            "product": product or ticket.product,
            "batch_number": batch_number,
            "severity": severity,
            "description": description,
        }
    )
    defect = ProductDefect(ticket=ticket, customer_id=ticket.customer_id, **data)
    return record_create(instance=defect, actor=actor)


def defect_update(
    *, defect: ProductDefect, version: int, actor: Any, **changes: Any
) -> ProductDefect:
    unknown = set(changes) - set(DEFECT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    data = _clean_defect(changes)
    return record_update(instance=defect, version=version, changes=data, actor=actor)
