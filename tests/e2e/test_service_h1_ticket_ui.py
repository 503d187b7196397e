"""The ticket page in the browser: the contact offered once the customer is chosen, a reply
with a file downloaded again, and a part line added to a work order and removed after the
confirmation."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _seeded(e2e_demo: Any) -> None:
    """Ticket types and units of measure come from data migrations, which a transactional
    test's flush removes."""
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units
    from crm.service.models import TicketCategory, TicketType
    from crm.service.seed import seed_types

    seed_units(UnitOfMeasure)
    seed_types(TicketType, TicketCategory)


def test_contact_picked_after_the_customer(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import contact_create, customer_create
    from crm.service.models import Ticket

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    contact_create(actor=e2e_demo["agent"], customer=customer, name="王经理", title="设备部")
    chosen = contact_create(actor=e2e_demo["agent"], customer=customer, name="李工")
    sign_in(page, "agent")
    page.goto("/service/tickets/new/")
    expect(page.locator("#id_contact")).to_contain_text("请先选择客户")
    page.fill("#id_customer_text", f"{customer.code} {customer.name}")
    expect(page.locator("#id_contact option")).to_have_count(3)
    page.select_option("#id_contact", label="李工")
    page.fill("#id_title", "润滑油变质")
    page.select_option("#id_type", label="投诉")
    page.click("#ticket-form button[type=submit]")
    expect(page.locator("#ticket-contact")).to_have_text("李工")
    assert Ticket.objects.get(customer=customer).contact == chosen


def test_reply_with_a_file_then_download(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.service import services
    from crm.service.models import TicketType

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    ticket = services.ticket_create(
        actor=e2e_demo["agent"],
        customer=customer,
        title="润滑油变质",
        type=TicketType.objects.get(code="complaint"),
    )
    sign_in(page, "agent")
    page.goto(f"/service/tickets/{ticket.pk}/")
    page.select_option("#id_kind", "reply")
    page.fill("#id_body", "检测报告见附件。")
    page.set_input_files(
        "#id_files",
        files=[{"name": "检测报告.txt", "mimeType": "text/plain", "buffer": "合格".encode()}],
    )
    page.click("#entry-form button[type=submit]")
    files = page.locator("#ticket-timeline [data-entry-files]")
    expect(files).to_contain_text("检测报告.txt")
    expect(page.locator("#ticket-attachments")).not_to_contain_text("检测报告.txt")
    with page.expect_download() as info:
        files.get_by_text("检测报告.txt").click()
    download = info.value
    assert download.suggested_filename == "检测报告.txt"
    with open(download.path(), "rb") as handle:
        assert handle.read() == "合格".encode()


def test_part_line_added_and_removed(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.service import services_repair
    from crm.service.tests.repair_helpers import repair_ticket, warranty_product

    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能机械有限公司")
    pump = warranty_product(e2e_demo["admin"])
    seal = warranty_product(e2e_demo["admin"], code="SEAL-9")
    ticket = repair_ticket(e2e_demo["agent"], customer, pump, repair_charge="paid")
    order = services_repair.repair_order_create(
        ticket=ticket, actor=e2e_demo["agent"], labour_hours=1, labour_rate=100
    )
    sign_in(page, "agent")
    page.goto(f"/service/tickets/{ticket.pk}/")
    box = page.locator(f"#repair-{order.pk}")
    box.locator("summary").click()
    box.locator(f"#part-{order.pk}").fill(f"{seal.code} {seal.name}")
    box.locator(f"#part-{order.pk}-quantity").fill("2")
    box.locator("[data-add-part] button[type=submit]").click()
    line = page.locator(f'#repair-{order.pk} [data-part="{seal.code}"]')
    expect(line).to_have_count(1)
    expect(page.locator("#repair-orders")).to_contain_text(f"{seal.code} {seal.name} × 2")
    # Back on the page the work order being edited is open again.
    expect(box).to_have_attribute("open", "")
    # Removing asks first: dismissing keeps the line, accepting removes it.
    page.once("dialog", lambda d: d.dismiss())
    line.locator("[data-remove-part]").click()
    expect(line).to_have_count(1)
    page.once("dialog", lambda d: d.accept())
    line.locator("[data-remove-part]").click()
    expect(page.locator(f'#repair-{order.pk} [data-part="{seal.code}"]')).to_have_count(0)
    expect(page.locator(f"#repair-{order.pk}-parts")).to_contain_text("暂无配件")
    order.refresh_from_db()
    assert order.parts.count() == 0 and order.total_amount == Decimal(100)
