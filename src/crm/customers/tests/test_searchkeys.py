"""Search keys and normalised names are computed fast (imports make 100,000 at a time): memos
and set lookups must give exactly what whole-text pypinyin and OpenCC, and a plain scan of the
legal suffixes and place names, give."""

import random
import re
import unicodedata

import opencc
import pytest
from pypinyin import Style, lazy_pinyin

from crm.customers import normalise, searchkeys
from crm.customers.demo_words import BRAND_CHARS, FAMOUS, INDUSTRIES, MIDS, SUFFIXES

_HAN = re.compile(r"[\u3400-\u9fff]")
_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")


def reference_key(text: str) -> str:
    """text_key as defined, without any memo: OpenCC and pypinyin on the whole text."""
    simplified = _T2S.convert(text) if _HAN.search(text) else text
    text = re.sub(r"\s+", "", simplified).lower()
    if not text or not _HAN.search(text):
        return text
    full = "".join(lazy_pinyin(text))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    return f"{text} {full} {initials}".lower()


TRICKY = [
    "银行行长",  # 行: hang in 银行, xing elsewhere
    "重庆长安汽车股份有限公司",
    "长沙音乐厂",
    "朝阳区朝代贸易",
    "乾隆乾燥剂厂",  # 乾 stays in 乾隆, becomes 干 in 乾燥
    "一目瞭然 瞭解 沈默 沈阳",
    "臺灣積體電路製造股份有限公司",
    "ＡＢＣ（上海）貿易有限公司",
    "3M中国 Co., Ltd",
    "〇号𠀀厂",
    "  空格  公司  ",
    "",
    "abc-123",
]


def corpus() -> list[str]:
    rng = random.Random(11)
    texts = [*TRICKY, *(n for pair in FAMOUS for n in pair)]
    for _ in range(1500):
        brand = "".join(rng.sample(BRAND_CHARS, rng.choice((2, 3))))
        name = f"{brand}{rng.choice(MIDS)}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"
        texts += [name, _S2T.convert(name), name[rng.randrange(len(name)) :]]
    pieces = ["银行", "乾燥", "瞭解", "長", "重", "了", "著", "A", "1", " ", "（", "後"]
    for _ in range(500):
        texts.append("".join(rng.choice(pieces + list(BRAND_CHARS)) for _ in range(12)))
    return texts


def test_text_keys_equal_whole_text_pypinyin_and_opencc() -> None:
    texts = corpus()
    # twice: the second pass reads what the first one memoised
    for _ in range(2):
        assert [searchkeys.text_key(t) for t in texts] == [reference_key(t) for t in texts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中國石油", "中国石油"),
        ("乾燥", "干燥"),
        ("乾隆", "乾隆"),
        ("上海华谊", "上海华谊"),
        ("", ""),
    ],
)
def test_simplified(text: str, expected: str) -> None:
    assert searchkeys.simplified(text) == expected == _T2S.convert(text)


def test_pinyin_of_a_run_keeps_phrase_readings() -> None:
    assert searchkeys.pinyin_of("银行行长") == ("yinhanghangzhang", "yhhz")
    assert searchkeys.pinyin_of("重庆A3长安") == ("chongqingA3changan", "cqA3ca")


def reference_name_key(name: str) -> str:
    """normalise_name with a plain scan of the suffixes and place names, longest first."""

    def strip_suffixes(text: str) -> str:
        while suffix := next(
            (s for s in normalise._SUFFIXES if text.endswith(s) and len(text) > len(s)), ""
        ):
            text = text[: -len(suffix)]
        return text

    def strip_prefix(text: str, names: tuple[str, ...]) -> str:
        name = next((n for n in names if text.startswith(n) and len(text) - len(n) >= 2), "")
        return text[len(name) :]

    text = re.sub(r"[\W_]+", "", searchkeys.simplified(unicodedata.normalize("NFKC", name).lower()))
    provinces, cities = normalise._prefixes()
    core = strip_suffixes(strip_prefix(strip_prefix(strip_suffixes(text), provinces), cities))
    return (core or text)[:200]


def test_name_keys_equal_a_plain_scan() -> None:
    rng = random.Random(5)
    provinces, cities = normalise._prefixes()
    texts = corpus() + ["北京市", "内蒙古自治区呼和浩特市华盛厂", "上海 Co., Ltd", "ABC Group Inc"]
    for _ in range(1500):
        texts.append(
            rng.choice(provinces + ("",))
            + rng.choice(cities + ("",))
            + rng.choice(["华谊", "A", "化工", "", "市"])
            + rng.choice(["集团股份有限公司", "有限公司", "厂", "Co., Ltd", "公司", ""])
        )
    assert [normalise.normalise_name(t) for t in texts] == [reference_name_key(t) for t in texts]
