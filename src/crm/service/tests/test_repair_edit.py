"""Work orders and defects changed from the ticket page: a part line added, changed and
removed (with a confirmation), labour hours and rate, a defect's status, severity and batch;
a stale page gets the usual conflict message and changes nothing."""

from decimal import Decimal
from typing import Any

import pytest

from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.service import services_repair
from crm.service.models import ProductDefect, RepairOrder

from .repair_helpers import repair_ticket, warranty_product

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def work(admin: Any, agent: Any, west_customer: Any) -> dict[str, Any]:
    pump = warranty_product(admin)
    seal = warranty_product(admin, code="SEAL-9")
    ticket = repair_ticket(agent, west_customer, pump, repair_charge="paid")
    order = services_repair.repair_order_create(
        ticket=ticket,
        actor=agent,
        labour_hours=1,
        labour_rate=100,
        parts=[{"product": pump, "quantity": 1, "unit_price": None}],
    )
    return {"ticket": ticket, "order": order, "pump": pump, "seal": seal}


def test_part_line_services(agent: Any, work: dict[str, Any]) -> None:
    order = work["order"]
    order = services_repair.repair_part_add(
        order=order, version=order.version, actor=agent, product=work["seal"], quantity=2
    )
    assert order.parts_amount == Decimal("1500.00") and order.total_amount == Decimal("1600.00")
    seal_line = order.parts.get(product=work["seal"])
    order = services_repair.repair_part_change(
        order=order,
        version=order.version,
        actor=agent,
        part_id=seal_line.pk,
        quantity=3,
        unit_price=Decimal("20"),
    )
    assert order.parts.get(product=work["seal"]).amount == Decimal("60.00")
    with pytest.raises(ValidationFailed) as exc:
        services_repair.repair_part_change(
            order=order,
            version=order.version,
            actor=agent,
            part_id=order.parts.get(product=work["pump"]).pk,
            quantity=0,
            unit_price=None,
        )
    assert "quantity" in exc.value.fields  # the line's own field, not parts.N.quantity
    with pytest.raises(StaleVersion):
        services_repair.repair_part_remove(
            order=order, version=order.version - 1, actor=agent, part_id=seal_line.pk
        )
    with pytest.raises(ValidationFailed):  # the line ids change with every rewrite
        services_repair.repair_part_remove(
            order=order, version=order.version, actor=agent, part_id=seal_line.pk
        )
    line = order.parts.get(product=work["seal"])
    order = services_repair.repair_part_remove(
        order=order, version=order.version, actor=agent, part_id=line.pk
    )
    assert list(order.parts.values_list("product__code", flat=True)) == ["PUMP-1"]
    assert order.total_amount == Decimal("600.00")
    done = services_repair.repair_order_update(
        order=order, version=order.version, actor=agent, status="done"
    )
    with pytest.raises(Conflict):
        services_repair.repair_part_add(
            order=done, version=done.version, actor=agent, product=work["seal"], quantity=1
        )


def test_parts_and_labour_on_the_ticket_page(
    page_client: Any, agent: Any, mgr_west: Any, work: dict[str, Any]
) -> None:
    client = page_client(agent)
    order: RepairOrder = work["order"]
    ticket_url = f"/service/tickets/{work['ticket'].pk}/"
    page = client.get(ticket_url).content.decode()
    assert f'id="repair-{order.pk}"' in page and 'data-part="PUMP-1"' in page
    assert "return confirm(&#x27;确定移除这一配件行？&#x27;)" in page or (
        "return confirm('确定移除这一配件行？')" in page
    )
    base = f"/service/repair-orders/{order.pk}"
    r = client.post(
        f"{base}/parts/",
        {"version": order.version, "part": "SEAL-9 离心泵", "quantity": "2", "unit_price": ""},
    )
    assert r.status_code == 302 and r["Location"] == f"{ticket_url}#repair-{order.pk}"
    order.refresh_from_db()
    assert order.parts.count() == 2 and order.parts_amount == Decimal("1500.00")
    seal = order.parts.get(product=work["seal"])
    r = client.post(
        f"{base}/parts/",
        {"version": order.version, "line": seal.pk, "quantity": "1", "unit_price": "35"},
    )
    order.refresh_from_db()
    assert order.parts.get(product=work["seal"]).amount == Decimal("35.00")
    r = client.post(
        f"{base}/labour/",
        {"version": order.version, "labour_hours": "2.5", "labour_rate": "80", "notes": "更换密封"},
    )
    order.refresh_from_db()
    assert (order.labour_amount, order.notes) == (Decimal("200.00"), "更换密封")
    assert order.total_amount == Decimal("735.00")
    # A page opened before these changes: the usual conflict message, nothing removed.
    line = order.parts.get(product=work["seal"])
    r = client.post(
        f"{base}/parts/remove/",
        {"version": order.version - 1, "line": line.pk},
        HTTP_REFERER=ticket_url,
    )
    assert r.status_code == 302
    assert "其他人已修改了它" in client.get(ticket_url).content.decode()
    assert order.parts.count() == 2
    r = client.post(f"{base}/parts/remove/", {"version": order.version, "line": line.pk})
    order.refresh_from_db()
    assert list(order.parts.values_list("product__code", flat=True)) == ["PUMP-1"]
    # Bad input: an unknown part, a negative quantity; readers may not change the work.
    r = client.post(
        f"{base}/parts/",
        {"version": order.version, "part": "NOPE", "quantity": "1"},
        HTTP_REFERER=ticket_url,
    )
    assert "未知配件" in client.get(ticket_url).content.decode()
    r = client.post(
        f"{base}/parts/", {"version": order.version, "part": "SEAL-9", "quantity": "-1"}
    )
    assert order.parts.count() == 1
    reader = page_client(mgr_west)
    assert (
        reader.post(
            f"{base}/labour/", {"version": order.version, "labour_hours": "9", "labour_rate": "1"}
        ).status_code
        == 403
    )
    assert RepairOrder.objects.get(pk=order.pk).version == order.version


def test_defect_edit_on_the_ticket_page(
    page_client: Any, agent: Any, mgr_west: Any, work: dict[str, Any]
) -> None:
    defect = services_repair.defect_create(
        ticket=work["ticket"], actor=agent, description="密封圈开裂"
    )
    client = page_client(agent)
    ticket_url = f"/service/tickets/{work['ticket'].pk}/"
    page = client.get(ticket_url).content.decode()
    assert f'action="/service/defects/{defect.pk}/edit/"' in page
    body = {
        "version": defect.version,
        "status": "investigating",
        "severity": "critical",
        "batch_number": "B2026-11",
        "description": "密封圈开裂，同批次多起",
    }
    r = client.post(f"/service/defects/{defect.pk}/edit/", body)
    assert r.status_code == 302 and r["Location"] == f"{ticket_url}#defect-{defect.pk}"
    defect.refresh_from_db()
    assert (defect.status, defect.severity, defect.batch_number) == (
        "investigating",
        "critical",
        "B2026-11",
    )
    r = client.post(
        f"/service/defects/{defect.pk}/edit/", {**body, "status": "fixed"}, HTTP_REFERER=ticket_url
    )
    assert "其他人已修改了它" in client.get(ticket_url).content.decode()
    assert ProductDefect.objects.get(pk=defect.pk).status == "investigating"
    r = client.post(
        f"/service/defects/{defect.pk}/edit/",
        {**body, "version": defect.version, "status": "gone"},
        HTTP_REFERER=ticket_url,
    )
    assert ProductDefect.objects.get(pk=defect.pk).status == "investigating"
    reader = page_client(mgr_west)
    r = reader.post(f"/service/defects/{defect.pk}/edit/", {**body, "version": defect.version})
    assert r.status_code == 403
