"""Order-to-cash reminders reach a real SMTP server (aiosmtpd on loopback, issue #5 point 12):
the daily job mails the rep their overdue receivable and the manager the quote waiting for
approval; running the job again the same day sends nothing twice. No browser: it adds
nothing to an e-mail."""

import socket
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

pytestmark = pytest.mark.e2e


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on a free loopback port; the settings send mail to it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.CRM_BASE_URL = "http://crm.test"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _seeds(demo: Any) -> None:
    """Units of measure and approval rules (data migrations) are there unless flushed."""
    from crm.org.models import Role
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units
    from crm.sales.models import ApprovalRule
    from crm.sales.seed import seed_approval_rules

    seed_units(UnitOfMeasure)
    seed_approval_rules(ApprovalRule, Role)


def _product(admin: Any) -> Any:
    from crm.products.models import UnitOfMeasure
    from crm.products.services import product_create

    return product_create(
        actor=admin,
        code="WH-MDI-100",
        name="纯MDI",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("4850"),
    )


def test_overdue_receivable_and_pending_approval_are_mailed_once(smtp: Inbox, demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.orders import services, services_receivables
    from crm.sales import services_quotes
    from crm.sales.models_approvals import ApprovalRequest
    from crm.system.job import run_reminders
    from crm.system.models import Notification

    rep, mgr, admin = demo["rep_east_1"], demo["mgr_east"], demo["admin"]
    for user in (rep, mgr):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    today = timezone.localdate()
    product = _product(admin)
    customer = customer_create(actor=rep, name="上海浦江化工有限公司")
    # given an invoice of the rep due ten days ago and still open
    order = services.order_create(
        actor=rep,
        customer=customer,
        lines=[{"product": product, "quantity": Decimal(2), "unit_price": Decimal(4800)}],
    )
    order = services.order_transition(order=order, to="confirmed", version=order.version, actor=rep)
    invoice = services_receivables.invoice_create(
        order=order,
        actor=demo["finance"],
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
    )
    # and a quote at 20 % off (above the rule's 15 %) waiting two days for the manager
    quote = services_quotes.quote_create(
        actor=rep,
        customer=customer,
        lines=[
            {
                "product": product,
                "quantity": Decimal(10),
                "unit_price": Decimal(4800),
                "discount_pct": Decimal(20),
            }
        ],
    )
    quote = services_quotes.quote_send(quote=quote, version=quote.version, actor=rep)
    assert quote.status == "pending"
    ApprovalRequest.objects.update(requested_at=timezone.now() - timedelta(days=2))

    # when the daily job runs, twice
    first = run_reminders(day=today)
    second = run_reminders(day=today)

    # then each got one mail, with the document and an absolute link, and nothing twice
    assert first.ok, first
    [to_rep] = smtp.to("rep_east_1@example.com")
    text = to_rep.get_body(("plain",)).get_content()
    assert invoice.number in text and f"http://crm.test/orders/invoices/{invoice.pk}/" in text
    [to_mgr] = smtp.to("mgr_east@example.com")
    request = ApprovalRequest.objects.get()
    assert (
        f"http://crm.test/sales/approvals/{request.pk}/"
        in to_mgr.get_body(("plain",)).get_content()
    )
    assert second.emails_sent == 0 and len(smtp.messages) == 2
    # the bell shows them in the app as well
    assert Notification.objects.filter(recipient=rep, key__contains=invoice.number).count() == 1
    assert Notification.objects.filter(recipient=mgr, key=f"approval-pending:{request.pk}").exists()
