"""Template filters of the sales pages."""

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """An amount with thousands separators and two places ("1,234,567.80"); cheap enough
    for a board of a hundred cards (floatformat's localisation costs far more)."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (ArithmeticError, TypeError, ValueError):
        return str(value)
