"""Every write to leads, and their conversion to customer + contact + opportunity (SAL-1).

The duplicate check and the customer/contact writes are the customers module's own
(crm.customers.dedupe, crm.customers.services): imported, not copied.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.customers import services as customer_services
from crm.customers import validators
from crm.customers.dedupe import Match, find_duplicates
from crm.customers.models import ChoiceKind
from crm.customers.searchkeys import build_key

from .models import Lead, LeadStatus, Opportunity
from .services import field_error, opportunity_create, validation_error

LEAD_FIELDS = [
    "company",
    "contact_name",
    "title",
    "mobile",
    "phone",
    "email",
    "uscc",
    "address",
    "source",
    "notes",
    "owner",
    "org_unit",
]
# Status → the statuses a user may move a lead to (conversion is its own step).
TRANSITIONS: dict[str, set[str]] = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED},
    LeadStatus.CONTACTED: {LeadStatus.NEW, LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED},
    LeadStatus.QUALIFIED: {LeadStatus.CONTACTED, LeadStatus.DISQUALIFIED},
    LeadStatus.DISQUALIFIED: {LeadStatus.NEW},
    LeadStatus.CONVERTED: set(),
}
CONVERTIBLE = {LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED}


def lead_search_text(lead: Lead) -> str:
    return build_key(
        texts=[lead.company, lead.contact_name],
        plain=[lead.uscc, lead.email],
        phones=[lead.mobile, lead.phone],
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    for key in ("company", "contact_name", "title", "phone", "email", "address", "notes"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "company" in out and not out["company"]:
        errors["company"] = [_("Enter the company's name.")]
    for key, fn in (
        ("uscc", validators.clean_uscc),
        ("mobile", validators.clean_mobile),
        ("phone", validators.clean_landline),
    ):
        if key in out:
            try:
                out[key] = fn(out[key] or "")
            except ValidationError as exc:
                errors[key] = [str(m) for m in exc.messages]
    source = out.get("source")
    if source is not None and (source.kind != ChoiceKind.SOURCE or not source.active):
        errors["source"] = [_("Choose an entry of the list.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def lead_create(*, actor: Any, company: str, **fields: Any) -> Lead:
    """Create a lead (status new); owner defaults to the actor, unit to the owner's."""
    unknown = set(fields) - set(LEAD_FIELDS)
    if unknown:
        raise TypeError(f"unknown lead fields: {sorted(unknown)}")
    values = _clean({"company": company, **fields})
    owner = values.get("owner") or actor
    org_unit = values.get("org_unit") or getattr(owner, "unit", None)
    if owner is None or getattr(owner, "pk", None) is None:
        raise field_error("owner", _("Choose the lead's owner."))
    if org_unit is None:
        raise field_error("org_unit", _("The owner belongs to no unit; choose a unit."))
    values.update(owner=owner, org_unit=org_unit)
    lead = Lead(**values)
    lead.search_text = lead_search_text(lead)
    try:
        record_create(instance=lead, actor=actor)
    except ValidationError as exc:
        raise validation_error(exc) from None
    return lead


def _refresh_search(lead: Lead) -> None:
    text = lead_search_text(lead)
    Lead.all_objects.filter(pk=lead.pk).update(search_text=text)
    lead.search_text = text


def lead_update(*, lead: Lead, version: int, actor: Any, **changes: Any) -> Lead:
    unknown = set(changes) - set(LEAD_FIELDS)
    if unknown:
        raise TypeError(f"unknown lead fields: {sorted(unknown)}")
    if lead.status == LeadStatus.CONVERTED:
        raise Conflict(_("A converted lead cannot be changed."), code="lead_converted")
    values = _clean(changes)
    if "owner" in values and values["owner"] is None:
        raise field_error("owner", _("Choose the lead's owner."))
    if "owner" in values and "org_unit" not in values:
        values["org_unit"] = values["owner"].unit
    if "org_unit" in values and values["org_unit"] is None:
        raise field_error("org_unit", _("The owner belongs to no unit; choose a unit."))
    with transaction.atomic():
        try:
            updated = record_update(instance=lead, version=version, changes=values, actor=actor)
        except ValidationError as exc:
            raise validation_error(exc) from None
        if {"company", "contact_name", "uscc", "email", "mobile", "phone"} & set(values):
            _refresh_search(updated)
    return updated


def lead_set_status(*, lead: Lead, status: str, version: int, actor: Any, reason: str = "") -> Lead:
    """Move a lead along new → contacted → qualified, or disqualify it (with a reason)."""
    if status not in TRANSITIONS.get(lead.status, set()):
        raise Conflict(
            _("A lead in status “%(old)s” cannot move to “%(new)s”.")
            % {
                "old": LeadStatus(lead.status).label,
                "new": LeadStatus(status).label if status in LeadStatus.values else status,
            },
            code="invalid_transition",
        )
    reason = (reason or "").strip()[:200]
    if status == LeadStatus.DISQUALIFIED and not reason:
        raise field_error("reason", _("Give the reason the lead is disqualified."))
    changes = {
        "status": status,
        "disqualify_reason": reason if status == LeadStatus.DISQUALIFIED else "",
    }
    return record_update(instance=lead, version=version, changes=changes, actor=actor)


def lead_delete(*, lead: Lead, actor: Any) -> Lead:
    return record_soft_delete(instance=lead, actor=actor)


def lead_restore(*, lead: Lead, actor: Any) -> Lead:
    return record_restore(instance=lead, actor=actor)


def lead_duplicates(*, lead: Lead, user: Any, limit: int = 5) -> list[Match]:
    """Customers that look like the lead's company (same USCC or phone, similar name)."""
    return find_duplicates(
        user=user,
        name=lead.company,
        uscc=lead.uscc,
        phone=lead.phone or lead.mobile,
        limit=limit,
    )


def _note(instance: Any, lead: Lead, actor: Any) -> None:
    """The conversion in the record's history: which lead it came from."""
    audit_log(
        instance=instance,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={
            "source_lead": {
                "label": str(_("Converted from lead")),
                "old": "",
                "new": f"{lead.company} (#{lead.pk})",
            }
        },
    )


def lead_convert(
    *,
    lead: Lead,
    version: int,
    actor: Any,
    customer: Any = None,
    contact: Any = None,
    create_contact: bool = True,
    opportunity_name: str = "",
    amount: Any = 0,
    expected_close: date | None = None,
    allow_duplicates: bool = False,
    customer_fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Convert a lead in one transaction: to `customer` (an existing one the caller may see)
    or a new customer from the lead's company; to `contact` (of that customer) or a new
    contact from the lead's person; and a new opportunity. The lead points to all three, the
    opportunity to the lead, and the customer's, contact's and opportunity's history say
    where they came from. A new customer that looks like an existing one raises
    PossibleDuplicate unless `allow_duplicates`.
    """
    if lead.status not in CONVERTIBLE:
        raise Conflict(
            _("Only a new, contacted or qualified lead can be converted."),
            code="invalid_transition",
        )
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        raise field_error("contact", _("This contact belongs to another customer."))
    close = expected_close or timezone.localdate() + timedelta(days=90)
    with transaction.atomic():
        locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
        if locked is None or locked.version != version:
            raise StaleVersion()
        owner = lead.owner
        if customer is None:
            extra = {
                "uscc": lead.uscc,
                "phone": lead.phone or lead.mobile,
                "street": lead.address,
                "source": lead.source if lead.source and lead.source.active else None,
                **(customer_fields or {}),
            }
            customer = customer_services.customer_create(
                actor=actor,
                name=lead.company,
                owner=owner,
                org_unit=lead.org_unit,
                allow_duplicates=allow_duplicates,
                **extra,
            )
        _note(customer, lead, actor)
        if contact is None and create_contact and lead.contact_name:
            contact = customer_services.contact_create(
                customer=customer,
                actor=actor,
                name=lead.contact_name,
                title=lead.title,
                mobile=lead.mobile,
                email=lead.email,
            )
        if contact is not None:
            _note(contact, lead, actor)
        opportunity: Opportunity = opportunity_create(
            actor=actor,
            customer=customer,
            contact=contact,
            name=(opportunity_name or "").strip() or lead.company,
            expected_close=close,
            amount=amount,
            owner=owner,
            org_unit=lead.org_unit,
            source_lead=lead,
        )
        _note(opportunity, lead, actor)
        updated = record_update(
            instance=lead,
            version=version,
            changes={
                "status": LeadStatus.CONVERTED,
                "customer": customer,
                "contact": contact,
                "converted_at": timezone.now(),
            },
            actor=actor,
        )
    return {"lead": updated, "customer": customer, "contact": contact, "opportunity": opportunity}
