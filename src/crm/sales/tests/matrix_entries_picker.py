"""The opportunity form's product picker in the access matrix (see matrix_entries.py).

Every sales reader may search the catalogue; the price for the WEST customer (an agreed
customer price of 80 against a list price of 100) shows only to those who see that customer
(admin, leader, mgr_west, agent, finance); mgr_east and rep_east get the list price.
"""

from typing import Any

from crm.products.tests.matrix_entries import west_price
from crm.testing.matrix import page, roles

from .matrix_entries import CAN_VIEW, SALES, VIEW


def west_customer_with_price(users: Any) -> Any:
    return west_price(users).customer


page(
    "sales opportunity product picker",
    "GET",
    "/sales/opportunities/products/?q=MX-001&customer={id}",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_customer_with_price,
    visible_to=roles("admin", "leader", "mgr_west", "agent", "finance"),
    marker=lambda t: 'data-price="80.00"',
)
