"""Printable quotes in Chinese (SAL-4): the font, page and paragraph styles are shared with
the other printable documents (crm.core.pdf)."""

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.pdf import a4_document, fmt, para, styles

from .amount_words import rmb_upper


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def quote_pdf(quote: Any, lines: list[Any], *, company: str, places: int = 2) -> bytes:
    """The quote as a PDF: company header, customer, lines, totals in figures and 大写金额."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    st = styles()
    base, title, head, small = st.base, st.title, st.head, st.small

    def p(text: Any, style: Any = base) -> Any:
        return para(text, style)

    buffer = BytesIO()
    doc = a4_document(buffer, title=f"{_('Quote')} {quote.label}", author=company)
    story: list[Any] = [p(company, title), p(_("Quotation"), head), Spacer(1, 4 * mm)]
    contact = quote.contact
    info = [
        [p(_("Quote number")), p(quote.label), p(_("Date")), p(timezone.localdate().isoformat())],
        [p(_("Customer")), p(quote.customer.name), p(_("Valid until")), p(quote.valid_until)],
        [
            p(_("Contact")),
            p(contact.name if contact else "—"),
            p(_("Sales representative")),
            p(quote.owner),
        ],
    ]
    if quote.title:
        info.append([p(_("Subject")), p(quote.title), p(""), p("")])
    t = Table(info, colWidths=[25 * mm, 65 * mm, 25 * mm, 65 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [t, Spacer(1, 4 * mm)]
    header = [
        _("No."),
        _("Product"),
        _("Unit"),
        _("Quantity"),
        _("Unit price"),
        _("Discount %"),
        _("Tax rate %"),
        _("Net amount"),
        _("Tax"),
        _("Total"),
    ]
    rows: list[list[Any]] = [[p(h, small) for h in header]]
    for n, line in enumerate(lines, start=1):
        rows.append(
            [
                p(n, small),
                p(f"{line.product.code} {line.description or line.product.name}", small),
                p(line.unit, small),
                p(_qty(line.quantity), small),
                p(fmt(line.unit_price, 4 if line.unit_price % Decimal("0.01") else 2), small),
                p(_qty(line.discount_pct), small),
                p(_qty(line.tax_rate), small),
                p(fmt(line.net_amount, places), small),
                p(fmt(line.tax_amount, places), small),
                p(fmt(line.gross_amount, places), small),
            ]
        )
    widths = [8, 52, 12, 16, 18, 13, 13, 18, 14, 18]
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    totals = [
        [p(_("Net amount")), p(fmt(quote.net_amount, places))],
        [p(_("Tax")), p(fmt(quote.tax_amount, places))],
        [p(_("Total (CNY)")), p("¥" + fmt(quote.gross_amount, places))],
        [p(_("Total in words")), p(rmb_upper(quote.gross_amount))],
    ]
    tt = Table(totals, colWidths=[35 * mm, 145 * mm])
    tt.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    story += [tt, Spacer(1, 6 * mm)]
    if quote.notes:
        story += [p(_("Terms and notes"), head)] + [
            p(line) for line in quote.notes.splitlines() if line.strip()
        ]
    story += [Spacer(1, 10 * mm), p(_("Seal / signature: ____________________"))]
    doc.build(story)
    return buffer.getvalue()
