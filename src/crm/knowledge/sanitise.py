"""Safe rich text for article bodies: an allowlist of tags and attributes, applied on save.

Neither nh3 nor bleach is a dependency, so this is a small allowlist rebuilder on the
standard library's html.parser: it re-emits only allowed tags with allowed attributes, escapes
all text, drops the content of script/style-like elements, refuses link targets whose scheme
is not http(s)/mailto/tel, and closes every tag it opened. What it emits is well-formed, so it
is also stable: sanitising its output again changes nothing.

Plain text (no tag at all) becomes paragraphs, so a body typed into a textarea keeps its lines.
"""

import re
from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "code", "pre",
        "blockquote", "h2", "h3", "h4", "ul", "ol", "li", "a", "table", "thead", "tbody",
        "tr", "th", "td", "span",
    }
)  # fmt: skip
VOID_TAGS = frozenset({"br", "hr"})
# Elements whose content is never text for a reader: dropped with everything inside.
DROP_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
     "textarea", "select", "title", "head"}
)  # fmt: skip
ALLOWED_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
    "ol": frozenset({"start"}),
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
BLOCK_TAGS = frozenset(
    {"p", "br", "hr", "pre", "blockquote", "h2", "h3", "h4", "ul", "ol", "li", "table", "tr"}
)

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]+")
_NUMBER = re.compile(r"^\d{1,3}$")
_TAG_LIKE = re.compile(r"<[a-zA-Z/!]")
_BLANK_LINES = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


def safe_url(value: str) -> str | None:
    """The link target if its scheme is allowed (or it has none: a relative link), else None.
    Browsers ignore whitespace and control characters inside a scheme (java\tscript:), so
    they are removed before the check."""
    compact = _INVISIBLE.sub("", value).lower()
    m = _SCHEME.match(compact)
    if m and m.group(1) not in SAFE_SCHEMES:
        return None
    if not m and ":" in compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return None  # "javascript&colon;…" decoded, or anything else before a first slash
    return value.strip()


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.dropping = 0  # depth inside DROP_CONTENT elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            if tag not in VOID_TAGS:
                self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        if tag in BLOCK_TAGS:
            self.text.append("\n")
        kept = []
        allowed = ALLOWED_ATTRS.get(tag, frozenset())
        for name, raw in attrs:
            if name not in allowed or raw is None:
                continue
            value: str | None = raw
            if name == "href":
                value = safe_url(raw)
            elif name in ("colspan", "rowspan", "start"):
                value = raw.strip() if _NUMBER.match(raw.strip()) else None
            if value is not None:
                kept.append(f' {name}="{escape(value, quote=True)}"')
        if tag == "a" and any(k.startswith(" href=") for k in kept):
            kept.append(' rel="noopener noreferrer nofollow"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            self.handle_starttag(tag, attrs)
        elif tag not in DROP_CONTENT:  # <p/> is an empty element
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:  # closes what was left open inside it
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break
        if tag in BLOCK_TAGS:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.out.append(escape(data, quote=False))
        self.text.append(data)

    def result(self) -> tuple[str, str]:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out).strip(), "".join(self.text)


def plain_to_html(text: str) -> str:
    """Paragraphs of a plain text (blank line between) with their line breaks."""
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def sanitise(html: str) -> tuple[str, str]:
    """(safe HTML, its text) of what a user typed: HTML, or plain text made paragraphs."""
    html = (html or "").replace("\x00", "")
    if not _TAG_LIKE.search(html):
        html = plain_to_html(html)
    cleaner = _Cleaner()
    cleaner.feed(html)
    safe, text = cleaner.result()
    return safe, text.strip()


def snippet(text: str, length: int = 120) -> str:
    flat = _SPACES.sub(" ", text or "").strip()
    return flat if len(flat) <= length else flat[: length - 1] + "…"
