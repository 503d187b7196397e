"""The customer's receivables statement in the access matrix (see crm.testing.matrix): the
target is a WEST customer with a return (a credit) on its ledger. Whoever sees
the customer and has the sales view right reads it; the CSV export also needs the sales export
right and the export special (admin, leadership, the west's manager, finance), and so does
its PDF (the same rows, for sending to the customer)."""

from typing import Any

from crm.core.modules import Action, Module, Special
from crm.testing.matrix import page, roles

from .matrix_entries import SEES_WEST, west_return

SALES = Module.SALES.value
# finance (财务) sees every customer and exports
READERS = SEES_WEST | roles("finance")
EXPORTERS = roles("admin", "leader", "mgr_west", "finance")


def west_customer_with_ledger(users: Any) -> Any:
    return west_return(users).customer


page(
    "customer receivables statement",
    "GET",
    "/orders/receivables/statement/{id}/",
    module=SALES,
    action=Action.VIEW.value,
    allowed=READERS,
    target=west_customer_with_ledger,
)
for statement_format in ("csv", "pdf"):  # the same data: the same rights
    page(
        f"customer receivables statement {statement_format}",
        "GET",
        f"/orders/receivables/statement/{{id}}/?format={statement_format}",
        module=SALES,
        action=Special.EXPORT.value,
        allowed=EXPORTERS,
        forbidden=READERS - EXPORTERS,
        target=west_customer_with_ledger,
    )
