"""What every printable document shares (quotes, statements): reportlab with its built-in CID
font STSong-Light, so no font file ships with the app and the PDF opens in any reader in China;
A4 with 15 mm margins, the paragraph styles and escaped paragraphs, amounts with thousands
separators. reportlab is imported when a PDF is made, not when the app starts."""

from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

FONT = "STSong-Light"


def register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def fmt(value: Decimal, places: int = 2) -> str:
    """An amount as printed: 1,234.50."""
    return f"{value:,.{places}f}"


@dataclass(frozen=True)
class Styles:
    base: Any  # body text
    title: Any  # the company's name at the top
    head: Any  # the document's kind (报价单, 对账单) and headings
    small: Any  # table cells
    amount: Any  # table cells with amounts, right-aligned
    section: Any  # a section's heading, left-aligned


def styles() -> Styles:
    """The paragraph styles, in the CID font (registered here)."""
    from reportlab.lib.styles import ParagraphStyle

    register_font()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11)
    return Styles(
        base=base,
        title=ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=1),
        head=ParagraphStyle("head", parent=base, fontSize=12, leading=16, alignment=1),
        small=small,
        amount=ParagraphStyle("amount", parent=small, alignment=2),
        section=ParagraphStyle("section", parent=base, fontSize=11, leading=16),
    )


def para(text: Any, style: Any) -> Any:
    """A Paragraph of `text` as plain text (escaped: a customer's name may hold "<" or "&")."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style)


def a4_document(buffer: IO[bytes], *, title: str, author: str) -> Any:
    """An A4 SimpleDocTemplate with 15 mm margins writing to `buffer`."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=author,
    )
