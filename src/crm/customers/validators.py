"""Input rules of customer data. Each returns the normalised value or raises ValidationError."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

from . import divisions

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


# GB 32100-2015 as python-stdnum checks it (stdnum.cn.uscc), without its character-by-character
# cleaning of ASCII input, which cost a fifth of an import's check; test_validators compares them.
_USCC_SEPARATORS = str.maketrans("", "", " -")
_USCC_FORM = re.compile(r"[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_compact_valid(value: str) -> str | None:
    """The code without separators in capitals when valid, else None."""
    if not value.isascii():  # full-width digits, other dashes and spaces: stdnum maps them
        value = stdnum_uscc.compact(value)
    number = value.translate(_USCC_SEPARATORS).upper().strip()
    if not _USCC_FORM.fullmatch(number):
        return None
    total = sum(_USCC_VALUE[c] * w for c, w in zip(number, _USCC_WEIGHTS, strict=False))
    return number if number[-1] == _USCC_ALPHABET[(31 - total) % 31] else None


def clean_uscc(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    number = uscc_compact_valid(value)
    if number is None:
        raise ValidationError(
            _(
                "Not a valid unified social credit code: it has 18 characters (digits and "
                "capital letters) and a check character at the end."
            )
        )
    return number


def clean_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    if value and not MOBILE.match(value):
        raise ValidationError(_("Enter a mainland mobile number of 11 digits, e.g. 13812345678."))
    return value


def clean_landline(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and not LANDLINE.match(value):
        raise ValidationError(_("Enter a landline with its area code, e.g. 021-12345678."))
    return value


def check_address(province: str, city: str, district: str) -> dict[str, list[str]]:
    """Errors by field: each level must exist and belong to the level above."""
    errors: dict[str, list[str]] = {}
    p, c, d = divisions.get(province), divisions.get(city), divisions.get(district)
    if province and (p is None or divisions.level(province) != "province"):
        errors["province"] = [_("Unknown province.")]
    if city and (c is None or divisions.level(city) != "city"):
        errors["city"] = [_("Unknown city.")]
    elif c is not None and c.parent != province:
        errors["city"] = [_("This city is not in the chosen province.")]
    if district and (d is None or divisions.level(district) != "district"):
        errors["district"] = [_("Unknown district.")]
    elif d is not None and d.parent != city:
        errors["district"] = [_("This district is not in the chosen city.")]
    return errors


def clean_tags(value: str | list[str]) -> str:
    raw = value if isinstance(value, list) else re.split(r"[,，;；\s]+", value or "")
    tags: list[str] = []
    for t in raw:
        t = str(t).strip()[:20]
        if t and t not in tags:
            tags.append(t)
    text = ",".join(tags)
    if len(text) > 200:
        raise ValidationError(_("Too many tags."))
    return text
