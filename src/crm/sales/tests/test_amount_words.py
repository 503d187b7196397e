"""大写金额: the zero rules, 整, 角分, large amounts; refusals."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.sales.amount_words import DIGITS, rmb_upper


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("100", "壹佰元整"),
        ("101", "壹佰零壹元整"),
        ("110", "壹佰壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("1000.05", "壹仟元零伍分"),
        ("1000.50", "壹仟元伍角"),
        ("0.05", "伍分"),
        ("0.5", "伍角"),
        ("0.55", "伍角伍分"),
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("10010", "壹万零壹拾元整"),
        ("100000", "壹拾万元整"),
        ("105000", "壹拾万伍仟元整"),
        ("1001000", "壹佰万壹仟元整"),
        ("10000000", "壹仟万元整"),
        ("1010000000", "壹拾亿壹仟万元整"),
        ("1000000000", "壹拾亿元整"),
        ("2010000000", "贰拾亿壹仟万元整"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("100000000", "壹亿元整"),
        ("100000001", "壹亿零壹元整"),
        ("101000000", "壹亿零壹佰万元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("1000000000000", "壹万亿元整"),
        ("1000100000000", "壹万零壹亿元整"),
        (
            "9999999999999999.99",
            "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
        ("12.345", "壹拾贰元叁角伍分"),  # half up to 分
        ("0.004", "零元整"),
        (Decimal("2.10"), "贰元壹角"),
        (7, "柒元整"),
    ],
)
def test_examples(amount: object, words: str) -> None:
    assert rmb_upper(amount) == words  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad", ["-0.01", "-1", "1e16", "10000000000000000", "abc", "NaN", "Infinity"]
)
def test_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        rmb_upper(bad)


def test_float_refused() -> None:
    with pytest.raises(TypeError):
        rmb_upper(1.5)  # type: ignore[arg-type]


def _parse(words: str) -> int:
    """Read the capital form back into cents (the inverse, for the property test)."""
    digits = {c: i for i, c in enumerate(DIGITS)}
    units = {"拾": 10, "佰": 100, "仟": 1000}
    if words.endswith("整"):
        words = words[:-1]
    yuan_part, _, frac = words.partition("元") if "元" in words else ("", "", words)
    total = section = number = 0
    for c in yuan_part:
        if c in digits:
            number = digits[c]
        elif c in units:
            section += number * units[c]
            number = 0
        elif c == "万":
            total += (section + number) * 10**4
            section = number = 0
        elif c == "亿":
            total = (total + section + number) * 10**8
            section = number = 0
    yuan = total + section + number
    cents = 0
    for i, c in enumerate(frac):
        if c == "角":
            cents += digits[frac[i - 1]] * 10
        elif c == "分":
            cents += digits[frac[i - 1]]
    return yuan * 100 + cents


@given(st.integers(min_value=0, max_value=10**18 - 1))
def test_round_trip(cents: int) -> None:
    words = rmb_upper(Decimal(cents) / 100)
    assert _parse(words) == cents
    assert "零零" not in words and not words.startswith("零") or words == "零元整"
    assert not words.endswith("零")
