"""Search keys for Chinese text: simplified form, full pinyin and pinyin initials.

A record's key is built once, when it is written; a query is normalised the same way, so one
`icontains` per query word finds 中石化 by 中石化, 中石化 by `zsh` or `zhongshihua`, and 客户
by 客戶.
"""

import re
from collections.abc import Sequence
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_SPACE = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D")
_HAN = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text) if _HAN.search(text) else text


def text_key(text: str) -> str:
    """One value's key: "中石化 zhongshihua zsh" (lower-case, words without spaces)."""
    text = _SPACE.sub("", simplified(text or "")).lower()
    if not text:
        return ""
    if not _HAN.search(text):
        return text
    full = "".join(lazy_pinyin(text))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    return f"{text} {full} {initials}".lower()


def phone_key(phone: str) -> str:
    digits = _NON_DIGIT.sub("", phone or "")
    plain = (phone or "").strip().lower()
    return plain if digits == plain else f"{plain} {digits}".strip()


def build_key(
    *, texts: Sequence[str], plain: Sequence[str] = (), phones: Sequence[str] = ()
) -> str:
    """The search column of a record: texts get pinyin; codes and phones are kept as typed."""
    parts = [text_key(t) for t in texts]
    parts += [(p or "").strip().lower() for p in plain]
    parts += [phone_key(p) for p in phones]
    return " | ".join(p for p in parts if p)


def query_terms(query: str) -> list[str]:
    """A query as lower-case simplified words; every word must occur in the key."""
    return [w for w in _SPACE.split(simplified(query.strip()[:100]).lower()) if w][:8]
