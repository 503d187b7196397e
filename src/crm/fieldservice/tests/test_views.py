"""Field-service pages: equipment form and detail, the 360° tab, the plans page's button,
an expert's visits and recording an outcome."""

from typing import Any

import pytest
from django.utils import timezone

from crm.fieldservice.models import Equipment, FieldVisit, ServicePlan, VisitStatus

pytestmark = pytest.mark.usefixtures("demo_once")


def test_create_equipment_from_customer(
    page_client: Any, agent: Any, west_customer: Any, reactor: Any
) -> None:
    c = page_client(agent)
    assert c.get(f"/field/equipment/new/?customer={west_customer.pk}").status_code == 200
    res = c.post(
        "/field/equipment/new/",
        {"customer": west_customer.pk, "name": "", "type": reactor.pk, "status": "running"},
    )
    assert res.status_code == 422
    res = c.post(
        "/field/equipment/new/",
        {"customer": west_customer.pk, "name": "R-1", "type": reactor.pk, "status": "running"},
    )
    e = Equipment.objects.get(name="R-1")
    assert res.status_code == 302 and res.url == f"/field/equipment/{e.pk}/"
    page = c.get(res.url).content.decode()
    assert "R-1" in page and "催化剂" in page


def test_stale_edit_shows_a_message(page_client: Any, agent: Any, west_equipment: Any) -> None:
    c = page_client(agent)
    data = {"name": "A", "type": west_equipment.type_id, "status": "running"}
    ok = c.post(
        f"/field/equipment/{west_equipment.pk}/edit/", {**data, "version": west_equipment.version}
    )
    assert ok.status_code == 302
    res = c.post(
        f"/field/equipment/{west_equipment.pk}/edit/", {**data, "version": west_equipment.version}
    )
    assert res.status_code == 409
    assert "重新" in res.content.decode() or "Reload" in res.content.decode()


def test_customer_tab(page_client: Any, agent: Any, rep_east: Any, west_plan: ServicePlan) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.core.access import get_access
    from crm.fieldservice.tabs import customer_equipment

    get_access(agent)  # the user's grants are read once per request, not per tab
    with CaptureQueriesContext(connection) as ctx:
        tab = customer_equipment(agent, west_plan.customer)
    assert len(ctx.captured_queries) <= 2  # the capped list (+ the user's unit on some scopes)
    assert tab["equipment"][0].next_due == west_plan.next_due
    assert customer_equipment(rep_east, west_plan.customer)["equipment"] == []


def test_schedule_button_and_record_outcome(
    page_client: Any, agent: Any, west_plan: ServicePlan, make_expert: Any, catalyst: Any
) -> None:
    expert = make_expert("fs_page", catalyst)
    c = page_client(agent)
    page = c.get("/field/plans/").content.decode()
    assert 'id="schedule-next-month"' in page
    res = c.post("/field/plans/schedule/")
    assert res.status_code == 302
    visit = FieldVisit.objects.get()
    assert visit.expert == expert
    e = page_client(expert)
    assert f'href="/field/visits/{visit.pk}/"' in e.get("/field/visits/").content.decode()
    res = e.post(
        f"/field/visits/{visit.pk}/record/",
        {"version": visit.version, "outcome": "更换密封", "done_on": str(timezone.localdate())},
    )
    assert res.status_code == 302
    assert FieldVisit.objects.get().status == VisitStatus.DONE
    detail = c.get(f"/field/equipment/{west_plan.equipment_id}/").content.decode()
    assert "更换密封" in detail


def test_sales_manager_has_no_schedule_button(page_client: Any, mgr_west: Any) -> None:
    page = page_client(mgr_west).get("/field/plans/").content.decode()
    assert "schedule-next-month" not in page
