"""Line and document totals of quotes, contracts and sales orders (crm.orders) — the one
computation their services, the form preview and the PDF use.

Each line is rounded on its own (half up, to the amount places of the system parameters):
net = quantity × unit price × (1 − discount %), tax = net × tax rate; gross = net + tax. A
document's totals are the sums of its rounded lines, so the printed lines always add up to the
printed totals.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crm.core.fields import quantize

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Places:
    amount: int = 2
    price: int = 4
    quantity: int = 3


def places() -> Places:
    """The decimal places the system parameters set."""
    from crm.org.selectors import parameter_get

    return Places(
        amount=parameter_get("amount_decimal_places"),
        price=parameter_get("price_decimal_places"),
        quantity=parameter_get("quantity_decimal_places"),
    )


def amount_places() -> int:
    """The decimal places of amounts (a system parameter)."""
    from crm.org.selectors import parameter_get

    return int(parameter_get("amount_decimal_places"))


@dataclass(frozen=True)
class LineTotals:
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class Totals:
    lines: list[LineTotals]
    net: Decimal
    tax: Decimal
    gross: Decimal
    max_discount_pct: Decimal


def _dec(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value if value is not None else 0)


def line_totals(
    *,
    quantity: Any,
    unit_price: Any,
    discount_pct: Any = 0,
    tax_rate: Any = 0,
    p: Places,
) -> LineTotals:
    qty = quantize(_dec(quantity), p.quantity)
    price = quantize(_dec(unit_price), p.price)
    discount = quantize(_dec(discount_pct), 2)
    rate = quantize(_dec(tax_rate), 2)
    net = quantize(qty * price * (HUNDRED - discount) / HUNDRED, p.amount)
    tax = quantize(net * rate / HUNDRED, p.amount)
    return LineTotals(qty, price, discount, rate, net, tax, net + tax)


def document_totals(lines: Iterable[dict[str, Any]], p: Places | None = None) -> Totals:
    """Lines are dicts with quantity, unit_price, discount_pct, tax_rate."""
    p = p or places()
    computed = [
        line_totals(
            quantity=line["quantity"],
            unit_price=line["unit_price"],
            discount_pct=line.get("discount_pct") or 0,
            tax_rate=line.get("tax_rate") or 0,
            p=p,
        )
        for line in lines
    ]
    zero = quantize(Decimal(0), p.amount)
    net = sum((c.net for c in computed), zero)
    tax = sum((c.tax for c in computed), zero)
    return Totals(
        lines=computed,
        net=net,
        tax=tax,
        gross=net + tax,
        max_discount_pct=max((c.discount_pct for c in computed), default=Decimal("0.00")),
    )
