"""Every write to contracts (SAL-5): in a transaction, versioned, with history.

A contract is edited as a draft. Activating it submits it to approvals (facts: the largest line
discount and the contract's amount); when a rule matches it waits as "pending approval",
locked, until the approver decides (approved → active, rejected → back to draft). An active
contract ends by expiry (`contracts_expire`, daily) or by termination with a reason; renewal
creates a new draft linked to it, starting the day after it ends.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, DomainError, StaleVersion, ValidationFailed
from crm.core.files import checked_upload
from crm.core.models import AuditAction
from crm.core.services import record_create, record_soft_delete, record_update

from . import approvals
from .models_approvals import ApprovalRequest
from .models_contracts import Contract, ContractAttachment, ContractLine, ContractStatus
from .models_quotes import QuoteStatus
from .services_quotes import line_rows, lines_as_input, lines_text, prepare_lines, totals_of

S = ContractStatus
CONTRACT_FIELDS = (
    "title",
    "contact",
    "our_party",
    "customer_party",
    "is_framework",
    "framework_amount",
    "start_date",
    "end_date",
    "signed_on",
    "payment_terms_days",
    "notes",
)
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ACTIVE}),  # through approval when a rule matches
    S.PENDING: frozenset({S.DRAFT}),  # withdraw the approval request
    S.ACTIVE: frozenset({S.TERMINATED}),
}


def allowed_targets(status: str) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS.get(status, frozenset())]


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def _number(pk: int) -> str:
    return f"HT{pk:09d}"


def _check(values: dict[str, Any], customer: Any) -> None:
    errors: dict[str, list[str]] = {}
    if "title" in values and not str(values["title"] or "").strip():
        errors["title"] = [_("Enter the contract's title.")]
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_("The end date is before the start date.")]
    contact = values.get("contact")
    if contact is not None and contact.customer_id != customer.pk:
        errors["contact_id"] = [_("This contact belongs to another customer.")]
    if (values.get("framework_amount") or 0) < 0:
        errors["framework_amount"] = [_("The amount must not be negative.")]
    if errors:
        raise ValidationFailed(fields=errors)


def _our_party() -> str:
    from crm.org.selectors import parameter_get

    return str(parameter_get("company_name"))


def _write_lines(contract: Contract, items: list[dict[str, Any]]) -> None:
    ContractLine.objects.filter(contract=contract).delete()
    ContractLine.objects.bulk_create(line_rows(ContractLine, items, contract=contract))


@transaction.atomic
def contract_create(
    *,
    actor: Any,
    customer: Any,
    title: str,
    start_date: date,
    end_date: date,
    lines: Any = (),
    quote: Any = None,
    opportunity: Any = None,
    owner: Any = None,
    renewal_of: Any = None,
    **fields: Any,
) -> Contract:
    """A new draft (owner: the quote's or opportunity's, else the actor)."""
    unknown = set(fields) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    source = quote or opportunity
    owner = owner or (source.owner if source is not None else actor)
    org_unit = source.org_unit if source is not None else getattr(owner, "unit", None)
    if org_unit is None:
        raise _bad("owner_id", _("The owner belongs to no unit."))
    values = {"title": (title or "").strip()[:200], "start_date": start_date, "end_date": end_date}
    values.update(fields)
    _check(values, customer)
    items = [] if values.get("is_framework") else prepare_lines(customer, lines)
    contract = Contract(
        customer=customer,
        quote=quote,
        opportunity=opportunity or getattr(quote, "opportunity", None),
        renewal_of=renewal_of,
        owner=owner,
        org_unit=org_unit,
        **{"our_party": _our_party(), "customer_party": customer.name, **values},
        **totals_of(items),
    )
    try:
        record_create(instance=contract, actor=actor)
    except ValidationError as exc:
        fields_ = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
        raise ValidationFailed(
            fields={k: [str(m) for m in v] for k, v in fields_.items()}
        ) from None
    contract.number = _number(contract.pk)
    Contract.all_objects.filter(pk=contract.pk).update(number=contract.number)
    _write_lines(contract, items)
    return contract


def contract_from_quote(*, actor: Any, quote: Any, **fields: Any) -> Contract:
    """A draft from an accepted quote: its customer, contact and lines; a one-year term."""
    if quote.status != QuoteStatus.ACCEPTED:
        raise Conflict(_("Only an accepted quote becomes a contract."), code="quote_not_accepted")
    today = timezone.localdate()
    fields.setdefault("title", quote.title or str(quote))
    fields.setdefault("start_date", today)
    fields.setdefault("end_date", fields["start_date"] + timedelta(days=364))
    fields.setdefault("contact", quote.contact)
    lines = lines_as_input(quote.lines.select_related("product", "product__unit"))
    return contract_create(actor=actor, customer=quote.customer, quote=quote, lines=lines, **fields)


def ensure_editable(contract: Contract) -> None:
    """409 unless the contract is a draft with no approval pending (`approval_pending`,
    `not_editable`): header, lines and deletion change only then."""
    approvals.ensure_unlocked(contract)
    if contract.status != S.DRAFT:
        raise Conflict(_("Only a draft contract can be changed."), code="not_editable")


@transaction.atomic
def contract_update(
    *, contract: Contract, version: int, actor: Any, lines: Any = None, **changes: Any
) -> Contract:
    unknown = set(changes) - set(CONTRACT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    ensure_editable(current)
    _check(
        {"start_date": current.start_date, "end_date": current.end_date, **changes},
        current.customer,
    )
    framework = changes.get("is_framework", current.is_framework)
    items: list[dict[str, Any]] | None = None
    if framework:
        items = [] if lines is not None or "is_framework" in changes else None
    elif lines is not None:
        items = prepare_lines(current.customer, lines)
    if items is not None:
        changes.update(totals_of(items))
    updated = record_update(instance=current, version=version, changes=changes, actor=actor)
    if items is not None:
        before = lines_text(current.lines.select_related("product"))
        _write_lines(updated, items)
        after = lines_text(items)
        if before != after:
            audit_log(
                instance=updated,
                action=AuditAction.UPDATE,
                actor=actor,
                changes={"lines": {"label": _("Lines"), "old": before, "new": after}},
            )
    return updated


def _move(contract: Contract, version: int, actor: Any, to: str, **extra: Any) -> Contract:
    changes = {"status": to, **extra}
    return record_update(instance=contract, version=version, changes=changes, actor=actor)


def approval_facts(contract: Contract) -> dict[str, Any]:
    return {"discount_pct": contract.max_discount_pct, "amount": contract.amount}


def _activate(contract: Contract, version: int, actor: Any) -> Contract:
    if not contract.is_framework and not contract.lines.exists():
        raise _bad("lines", _("Add lines or make it a framework contract before activating it."))
    if contract.end_date < timezone.localdate():
        raise _bad("end_date", _("The end date has passed; change it first."))
    request = approvals.approval_submit(
        document=contract, kind="contract", facts=approval_facts(contract), user=actor
    )
    if request is not None:
        return _move(contract, version, actor, S.PENDING, status_comment="")
    signed = contract.signed_on or timezone.localdate()
    return _move(contract, version, actor, S.ACTIVE, signed_on=signed, status_comment="")


def contract_on_decided(
    contract: Contract, approved: bool, request: ApprovalRequest, user: Any
) -> None:
    """The approver decided (called inside approval_decide's transaction)."""
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.status != S.PENDING:
        return
    if approved:
        signed = current.signed_on or timezone.localdate()
        _move(current, current.version, user, S.ACTIVE, signed_on=signed, status_comment="")
    else:
        _move(current, current.version, user, S.DRAFT, status_comment=request.comment[:500])


@transaction.atomic
def contract_transition(
    *, contract: Contract, to: str, version: int, actor: Any, comment: str = ""
) -> Contract:
    """Activate a draft (maybe through approval), withdraw a pending request, or terminate an
    active contract (a reason is required). 409 `invalid_transition` otherwise."""
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.version != version:
        raise StaleVersion()
    if to not in TRANSITIONS.get(current.status, frozenset()):
        raise Conflict(
            _("A contract cannot go from “%(old)s” to “%(new)s”.")
            % {"old": S(current.status).label, "new": S(to).label if to in S.values else to},
            code="invalid_transition",
        )
    if to == S.ACTIVE:
        return _activate(current, version, actor)
    if current.status == S.PENDING:
        approvals.approval_withdraw(document=current, user=actor)
        return _move(current, version, actor, S.DRAFT, status_comment=comment[:500])
    comment = (comment or "").strip()
    if not comment:
        raise _bad("comment", _("Say why the contract is terminated."))
    return _move(
        current,
        version,
        actor,
        S.TERMINATED,
        terminated_on=timezone.localdate(),
        status_comment=comment[:500],
    )


@transaction.atomic
def contract_renew(
    *,
    contract: Contract,
    version: int,
    actor: Any,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Contract:
    """A new draft for the next term, linked to `contract` (which keeps its status)."""
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.version != version:
        raise StaleVersion()
    if current.status not in (S.ACTIVE, S.EXPIRED):
        raise Conflict(_("Only an active or expired contract is renewed."), code="not_renewable")
    if Contract.all_objects.filter(renewal_of=current).exists():
        raise Conflict(_("This contract has been renewed already."), code="already_renewed")
    start = start_date or current.end_date + timedelta(days=1)
    end = end_date or start + (current.end_date - current.start_date)
    lines = lines_as_input(current.lines.select_related("product", "product__unit"))
    return contract_create(
        actor=actor,
        customer=current.customer,
        title=current.title,
        start_date=start,
        end_date=end,
        lines=lines,
        opportunity=current.opportunity,
        owner=current.owner,
        renewal_of=current,
        contact=current.contact,
        is_framework=current.is_framework,
        framework_amount=current.framework_amount,
        payment_terms_days=current.payment_terms_days,
        notes=current.notes,
    )


def contract_delete(*, contract: Contract, actor: Any) -> Contract:
    ensure_editable(contract)
    return record_soft_delete(instance=contract, actor=actor)


@transaction.atomic
def attachment_add(*, contract: Contract, file: Any, actor: Any) -> ContractAttachment:
    """Attach a file (the types and size interactions allow); not while approval is pending."""
    approvals.ensure_unlocked(contract)
    name = checked_upload(file)
    item = ContractAttachment(
        contract=contract, file=file, name=name, size=file.size, uploaded_by=actor
    )
    item.save()
    audit_log(
        instance=contract,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"attachments": {"label": _("Attachments"), "old": "", "new": item.name}},
    )
    return item


def contracts_expire(today: date) -> int:
    """Active contracts past their end date become expired (the daily job; safe to rerun)."""
    done = 0
    rows = Contract.objects.filter(status=S.ACTIVE, end_date__lt=today).values_list("pk", "version")
    for pk, version in rows.iterator():
        try:
            _move(Contract.objects.get(pk=pk), version, None, S.EXPIRED)
        except DomainError:
            continue
        done += 1
    return done
