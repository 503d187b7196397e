"""Every read of contracts, scoped like opportunities and quotes (Module.SALES, by the
contract's owner and unit)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from crm.core.access import get_in_scope, scoped_by_unit_ids
from crm.core.modules import Module

from .models_contracts import Contract, ContractAttachment, ContractLine

ORDERINGS = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "end_date": ("end_date", "id"),
    "amount": ("-gross_amount", "-id"),
}


@dataclass
class ContractFilters:
    search: str = ""
    status: str = ""
    customer: int | None = None
    owner: int | None = None
    ordering: str = "updated"


def contracts_for_user(user: Any) -> QuerySet[Contract]:
    return scoped_by_unit_ids(Contract.objects.all(), user, Module.SALES)


def contract_list(user: Any, filters: ContractFilters) -> QuerySet[Contract]:
    qs = contracts_for_user(user).select_related("customer", "owner", "org_unit")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.customer:
        qs = qs.filter(customer_id=filters.customer)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    text = filters.search.strip()
    if text:
        qs = qs.filter(
            Q(number__istartswith=text)
            | Q(title__icontains=text)
            | Q(customer__name__icontains=text)
        )
    return qs.order_by(*ORDERINGS.get(filters.ordering, ORDERINGS["updated"]))


def contract_get_for_user(*, user: Any, pk: Any) -> Contract:
    qs = contracts_for_user(user).select_related(
        "customer", "contact", "owner", "org_unit", "quote", "opportunity", "renewal_of"
    )
    return get_in_scope(qs, pk)


def lines_of(contract: Contract) -> QuerySet[ContractLine]:
    return contract.lines.select_related("product", "product__unit").order_by("sort_order", "id")


def attachments_of(contract: Contract) -> QuerySet[ContractAttachment]:
    return contract.attachments.select_related("uploaded_by")


def attachment_get_for_user(*, user: Any, pk: Any) -> ContractAttachment:
    qs = ContractAttachment.objects.filter(contract__in=contracts_for_user(user))
    return get_in_scope(qs, pk)


def renewal_of(contract: Contract) -> Contract | None:
    return Contract.objects.filter(renewal_of=contract).first()
