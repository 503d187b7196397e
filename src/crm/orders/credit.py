"""The credit check on confirming an order (SAL-7): the customer's open receivables plus the
order's gross against the customer's credit limit; over it, the approvals engine decides."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from crm.core.errors import Conflict


@dataclass(frozen=True)
class CreditCheck:
    limit: Decimal | None  # None: no limit
    balance: Decimal  # open receivables (the ledger's sum)
    amount: Decimal  # this order's gross

    @property
    def exposure(self) -> Decimal:
        return self.balance + self.amount

    @property
    def exceeded(self) -> bool:
        return self.limit is not None and self.exposure > self.limit


def check(customer: Any, amount: Decimal) -> CreditCheck:
    from .selectors_receivables import balance_of, credit_limit_of, effective_limit

    limit = effective_limit(customer, credit_limit_of(customer))
    return CreditCheck(limit=limit, balance=balance_of(customer.pk), amount=amount)


def submit_for_approval(*, order: Any, check: CreditCheck, actor: Any) -> None:
    """Send the pending order to the approvals engine (crm.sales.approvals). With no rule for
    an exceeded credit limit, confirming is refused: nobody could approve it."""
    from crm.sales.approvals import approval_submit

    request = approval_submit(
        document=order,
        kind="order",
        facts={
            "amount": check.amount,
            "credit_exceeded": True,
            "credit_limit": check.limit,
            "open_balance": check.balance,
        },
        user=actor,
    )
    if request is None:
        raise Conflict(
            _(
                "The customer's credit limit of %(limit)s would be exceeded (open %(balance)s "
                "+ this order %(amount)s) and no approval rule covers it. Ask finance to raise "
                "the limit or an administrator to add an approval rule."
            )
            % {"limit": check.limit, "balance": check.balance, "amount": check.amount},
            code="credit_limit_exceeded",
        )
