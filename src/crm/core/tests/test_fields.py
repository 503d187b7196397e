"""Money and quantity fields and rounding."""

from decimal import Decimal

import pytest

from crm.core.fields import MoneyField, PriceField, QuantityField, quantize


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("2.345"), 2, Decimal("2.35")),  # half up, not half even
        (Decimal("2.325"), 2, Decimal("2.33")),
        (Decimal("2.344"), 2, Decimal("2.34")),
        (Decimal("-2.345"), 2, Decimal("-2.35")),  # away from zero for negatives
        ("0.5", 0, Decimal("1")),
        ("1.5", 0, Decimal("2")),
        ("2.5", 0, Decimal("3")),
        (7, 2, Decimal("7.00")),
        ("1.23456", 4, Decimal("1.2346")),
    ],
)
def test_quantize_rounds_half_up(value, places, expected):
    result = quantize(value, places)
    assert result == expected
    assert result.as_tuple().exponent == -places


def test_quantize_refuses_floats():
    with pytest.raises(TypeError):
        quantize(0.1, 2)  # type: ignore[arg-type]


@pytest.mark.parametrize("field_class", [MoneyField, QuantityField, PriceField])
def test_decimal_fields_default_to_decimal_zero_and_wide_columns(field_class):
    field = field_class()
    assert field.max_digits == 18
    assert field.decimal_places == 4
    assert field.get_default() == Decimal("0")
    assert isinstance(field.get_default(), Decimal)
    assert isinstance(field.to_python("12.3456"), Decimal)


def test_decimal_field_arguments_can_be_overridden():
    field = MoneyField(max_digits=20, decimal_places=2, default=Decimal("1.00"))
    assert (field.max_digits, field.decimal_places, field.get_default()) == (
        20,
        2,
        Decimal("1.00"),
    )


def test_price_field_is_a_money_field():
    assert issubclass(PriceField, MoneyField)
