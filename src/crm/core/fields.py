"""Decimal fields for money, quantities and prices.

Columns keep more places than any display setting, so an administrator can raise the decimal
places in system parameters without a migration; services round with `quantize`.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models


class MoneyField(models.DecimalField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("default", Decimal("0"))
        super().__init__(*args, **kwargs)


class QuantityField(models.DecimalField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("default", Decimal("0"))
        super().__init__(*args, **kwargs)


class PriceField(MoneyField):
    pass


def quantize(value: Decimal | int | str, places: int) -> Decimal:
    """Round half up (the commercial rule) to `places` decimal places."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
