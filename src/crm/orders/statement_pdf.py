"""The customer's statement (对账单) as a PDF that finance sends to the customer: the company,
the customer and the period, the opening balance, every row of each section (reportlab breaks
the pages and repeats each table's header row), the closing balance in figures and in 大写.
Shares the font, page and styles with the quote (crm.core.pdf)."""

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.pdf import a4_document, fmt, para, styles
from crm.sales.amount_words import rmb_upper

from .models_receivables import EntryKind
from .statement import Section, Statement, all_rows


def amount_in_words(value: Decimal) -> str:
    """大写 of a balance; a customer in credit (negative balance) gets 负 before it."""
    return ("负" if value < 0 else "") + rmb_upper(abs(value))


def _headers(section: Section) -> list[str]:
    if section.kind == EntryKind.INVOICE:
        document = _("Invoice")
    elif section.kind == EntryKind.PAYMENT:
        document = _("Payment")
    else:
        document = _("Return")
    return [
        _("Date"),
        document,
        _("Order") if section.kind != EntryKind.PAYMENT else "",
        _("Reason") if section.kind == EntryKind.CREDIT else _("Detail"),
        _("Amount"),
    ]


def statement_pdf(s: Statement, *, company: str, places: int = 2) -> bytes:
    """The statement `s` (made with row_limit=0: the rows are read here, all of them)."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    st = styles()
    customer = s.customer
    period = f"{s.date_from.isoformat()} — {s.date_to.isoformat()}"

    def p(text: Any, style: Any = st.base) -> Any:
        return para(text, style)

    def money(value: Decimal) -> Any:
        return p(fmt(value, places), st.amount)

    buffer = BytesIO()
    doc = a4_document(buffer, title=f"{_('Statement')} {customer.name} {period}", author=company)
    story: list[Any] = [p(company, st.title), p(_("Statement"), st.head), Spacer(1, 4 * mm)]
    info = Table(
        [
            [p(_("Customer")), p(customer.name), p(_("Customer code")), p(customer.code)],
            [p(_("Period")), p(period), p(_("Date")), p(timezone.localdate().isoformat())],
        ],
        colWidths=[25 * mm, 75 * mm, 25 * mm, 55 * mm],
    )
    info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [info, Spacer(1, 3 * mm)]
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    opening = Table([[p(_("Opening balance")), money(s.opening)]], colWidths=[152 * mm, 28 * mm])
    opening.setStyle(TableStyle(grid))
    story += [opening, Spacer(1, 4 * mm)]

    widths = [w * mm for w in (22, 34, 30, 66, 28)]
    for section in s.sections:
        story.append(p(f"{section.label} ({section.count})", st.section))
        if not section.count:
            story += [p(_("None in this period."), st.small), Spacer(1, 3 * mm)]
            continue
        rows: list[list[Any]] = [[p(h, st.small) for h in _headers(section)]]
        for r in all_rows(s, section):
            rows.append(
                [
                    p(r.on.isoformat(), st.small),
                    p(r.number, st.small),
                    p(r.order, st.small),
                    p(r.detail, st.small),
                    money(r.amount),
                ]
            )
        rows.append([p(_("Total"), st.small), "", "", "", money(section.total)])
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    *grid,
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("SPAN", (0, -1), (3, -1)),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]

    summary = [[p(_("Opening balance")), money(s.opening)]]
    summary += [
        [p(f"{'+' if sec.kind == EntryKind.INVOICE else '−'} {sec.label}"), money(sec.total)]
        for sec in s.sections
    ]
    summary += [
        [p(_("Closing balance")), p("¥" + fmt(s.closing, places), st.amount)],
        [p(_("Closing balance in words")), p(amount_in_words(s.closing))],
    ]
    totals = Table(summary, colWidths=[45 * mm, 135 * mm])
    totals.setStyle(TableStyle(grid))
    story += [totals, Spacer(1, 10 * mm), p(_("Seal / signature: ____________________"))]
    doc.build(story)
    return buffer.getvalue()
