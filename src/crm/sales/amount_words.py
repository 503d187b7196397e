"""Amounts in Chinese capital numerals (大写金额) as printed on quotes, contracts and invoices.

Follows the People's Bank of China rules for financial documents: 壹贰叁… with 拾佰仟万亿;
one 零 for a run of zeros inside a four-digit section and before a section whose 仟 digit
is zero (壹万零壹元, 壹亿零壹佰万元), none at the end;
"整" after 元 when there are no 角 or 分; "零" between 元 and 分 when 角 is zero
(e.g. 壹仟元零伍分). 10 is 壹拾, as cheques write it.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
LIMIT = Decimal(10) ** 16  # up to 9999万亿 (亿亿 is not used on documents)


def _section(n: int) -> str:
    """1 ≤ n ≤ 9999 without leading 零."""
    out: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[digit] + SMALL_UNITS[power])
    return "".join(out)


def _below_yi(n: int) -> str:
    """1 ≤ n < 10^8."""
    high, low = divmod(n, 10**4)
    out = _section(high) + "万" if high else ""
    if low:
        # 零 when the 仟 digit is zero; a zero 万 digit before it is left unwritten, which
        # the rules allow (壹佰万壹仟).
        out += ("零" if high and low < 1000 else "") + _section(low)
    return out


def _integer(n: int) -> str:
    """1 ≤ n < 10^16."""
    yi, rest = divmod(n, 10**8)
    out = _below_yi(yi) + "亿" if yi else ""
    if rest:
        out += ("零" if yi and rest < 10**7 else "") + _below_yi(rest)
    return out


def rmb_upper(amount: Decimal | int | str) -> str:
    """¥1,680.32 → 壹仟陆佰捌拾元叁角贰分; rounded half up to 分 first.

    Raises ValueError for a negative amount, a float, a non-number or 10^16 and above.
    """
    if isinstance(amount, float | bool):
        raise TypeError("amounts must be Decimal, int or str, never float")
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    if value < 0:
        raise ValueError("negative amounts have no capital form; print 负 and the absolute value")
    if value >= LIMIT:
        raise ValueError("amount too large")
    cents = int(value * 100)
    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    out = _integer(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    return out
