"""The body sanitiser: an allowlist of tags and attributes; scripts, event handlers and
javascript: links never survive, whatever their spelling."""

import pytest

from crm.knowledge.sanitise import safe_url, sanitise, snippet


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href=" &#106;avascript:alert(1)">x</a>',
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<scr<script>ipt>alert(1)</script>",
        "<<script>script>alert(1)</script>",
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "<!--<script>alert(1)</script>-->",
    ],
)
def test_nothing_executable_survives(dirty: str) -> None:
    safe, _text = sanitise(dirty)
    lowered = safe.lower()
    assert "<script" not in lowered
    assert "javascript" not in lowered and "vbscript" not in lowered and "data:" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered and "style" not in lowered
    assert "<img" not in lowered and "<iframe" not in lowered and "<svg" not in lowered


def test_allowed_markup_is_kept_and_text_escaped() -> None:
    safe, text = sanitise(
        '<h2>处理</h2><p class="x">先<strong>停机</strong> &amp; 取样 &lt;b&gt;</p>'
        '<ul><li>排水</li><li>换油</li></ul><a href="https://example.com/a?b=1&c=2" '
        'target="_blank">手册</a><table><tr><td colspan="2" onmouseover="x">A</td></tr></table>'
    )
    assert safe == (
        "<h2>处理</h2><p>先<strong>停机</strong> &amp; 取样 &lt;b&gt;</p>"
        "<ul><li>排水</li><li>换油</li></ul>"
        '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">手册</a>'
        '<table><tr><td colspan="2">A</td></tr></table>'
    )
    assert "停机" in text and "<" not in text.replace("<b>", "")


def test_unclosed_and_stray_tags_are_balanced() -> None:
    safe, _ = sanitise("<p><strong>未闭合<em>斜体</p></div><li>x")
    assert safe == "<p><strong>未闭合<em>斜体</em></strong></p><li>x</li>"


def test_output_is_stable() -> None:
    once, _ = sanitise('<p>a<br>b</p><a href="/knowledge/1/">内链</a><script>x</script>')
    twice, _ = sanitise(once)
    assert once == twice and 'href="/knowledge/1/"' in once


def test_plain_text_becomes_paragraphs() -> None:
    safe, text = sanitise("第一行\n第二行\n\n温度 < 80 ℃ & 压力")
    assert safe == "<p>第一行<br>第二行</p><p>温度 &lt; 80 ℃ &amp; 压力</p>"
    assert "温度 < 80 ℃" in text


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example", True),
        ("mailto:x@y.cn", True),
        ("tel:4008123456", True),
        ("/relative/path", True),
        ("#anchor", True),
        ("javascript:x", False),
        ("\x01javascript:x", False),
        ("ftp://a", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_snippet() -> None:
    assert snippet("a  b\n c") == "a b c"
    assert snippet("长" * 200, 10) == "长" * 9 + "…"
