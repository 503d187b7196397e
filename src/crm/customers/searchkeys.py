"""Search keys for Chinese text: simplified form, full pinyin and pinyin initials.

A record's key is built once, when it is written; a query is normalised the same way, so one
`icontains` per query word finds 中石化 by 中石化, 中石化 by `zsh` or `zhongshihua`, and 客户
by 客戶.

Imports compute keys for 100,000 rows at a time, so both conversions are memoised on pieces
whose result does not depend on their neighbours, giving exactly what a whole-text call gives
(tests compare the two): pypinyin converts each word of its own segmentation independently,
and OpenCC changes nothing in a text without one of the characters its dictionaries change.
"""

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.mmseg import seg as phrase_seg

_SPACE = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D")
_HAN = re.compile(r"[\u3400-\u9fff]")
# pypinyin's own test for Chinese characters, "^(?:[…])+$", as one character class.
_HANS_CLASS = RE_HANS.pattern.removeprefix("^(?:").removesuffix(")+$")
_HANS_RUN = re.compile(f"{_HANS_CLASS}+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _entries(chain: Iterable[object]) -> Iterable[tuple[str, str]]:
    """(key, value) of every dictionary in opencc-python's chain of (max, min, dict) tuples."""
    for item in chain:
        if isinstance(item, list):
            yield from _entries(item)
        elif isinstance(item, tuple) and item and isinstance(item[-1], dict):
            yield from item[-1].items()
        else:
            raise TypeError(item)


@lru_cache(maxsize=1)
def _triggers() -> frozenset[str] | None:
    """Characters without which t2s leaves a text as it is: every character it changes, and
    one character of every phrase it changes. None if the dictionaries cannot be read."""
    converter = _t2s()
    converter.convert("")  # loads the dictionaries
    try:
        entries = list(_entries(converter._dict_chain_data))
    except (AttributeError, TypeError):  # another OpenCC implementation
        return None
    changing = [k for k, v in entries if v.split(" ")[0] != k]  # OpenCC takes the first
    chars = {k for k in changing if len(k) == 1}
    single = {k for k, _v in entries if len(k) == 1}
    for phrase in changing:
        if len(phrase) > 1 and not chars.intersection(phrase):
            # a character OpenCC also converts alone (乾, 覆…) is rarer in plain text
            chars.add(next((c for c in phrase if c in single), phrase[0]))
    return frozenset(chars)  # a set: a regular expression of 4,000 characters is slow


def simplified(text: str) -> str:
    if not _HAN.search(text):
        return text
    triggers = _triggers()
    if triggers is not None and triggers.isdisjoint(text):
        return text
    return str(_t2s().convert(text))


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> tuple[str, str]:
    """Full pinyin and initials of one word of pypinyin's segmentation, converted as
    lazy_pinyin converts it inside a longer text."""
    return "".join(lazy_pinyin([word])), "".join(lazy_pinyin([word], style=Style.FIRST_LETTER))


# A run's words by the run: what pypinyin's segmentation (simpleseg.seg → mmseg.seg.cut) gives
# for it. Forward maximum matching takes the longest phrase at the start, then cuts the rest
# afresh, so the rest's cut is reused: names ending alike (…化工有限公司) are cut once.
_CUTS: dict[str, tuple[str, ...]] = {}
_MAX_CUTS = 200_000


def _words(run: str) -> tuple[str, ...]:
    if (found := _CUTS.get(run)) is not None:
        return found
    if len(_CUTS) >= _MAX_CUTS:
        _CUTS.clear()
    heads: list[str] = []
    rest = run
    while rest and (tail := _CUTS.get(rest)) is None:
        heads.append(next(phrase_seg.cut(rest)))
        rest = rest[len(heads[-1]) :]
    words = (*heads, *(tail or ()))
    start = 0
    for i, head in enumerate(heads):  # every rest cut on the way is a cut of its own
        _CUTS[run[start:]] = words[i:]
        start += len(head)
    return words


@lru_cache(maxsize=65536)
def _run_pinyin(run: str) -> tuple[str, str]:
    """A run of Chinese characters: segmented into words (phrases decide polyphones)."""
    words = [_word_pinyin(w) for w in _words(run)]
    return "".join(w[0] for w in words), "".join(w[1] for w in words)


def pinyin_of(text: str) -> tuple[str, str]:
    """ "".join(lazy_pinyin(text)) and the same in Style.FIRST_LETTER, memoised by run."""
    full: list[str] = []
    initials: list[str] = []
    end = 0
    for m in _HANS_RUN.finditer(text):
        if m.start() > end:  # other characters are kept as they are
            full.append(text[end : m.start()])
            initials.append(text[end : m.start()])
        f, i = _run_pinyin(m.group())
        full.append(f)
        initials.append(i)
        end = m.end()
    full.append(text[end:])
    initials.append(text[end:])
    return "".join(full), "".join(initials)


def text_key(text: str) -> str:
    """One value's key: "中石化 zhongshihua zsh" (lower-case, words without spaces)."""
    text = _SPACE.sub("", simplified(text or "")).lower()
    if not text:
        return ""
    if not _HAN.search(text):
        return text
    full, initials = pinyin_of(text)
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
