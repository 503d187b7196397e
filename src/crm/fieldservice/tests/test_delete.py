"""Deleting equipment and service plans: to the recycle bin after a confirmation, planned
visits cancelled, done visits kept as the equipment's history, restore from the bin; the same
through the API. And the pages' one way of handling a posted form."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from crm.core import recycle
from crm.core.errors import Conflict
from crm.core.models import AuditAction, AuditEntry
from crm.customers import services as customer_services
from crm.fieldservice import selectors, services
from crm.fieldservice.models import Equipment, FieldVisit, ServicePlan, VisitStatus

pytestmark = pytest.mark.usefixtures("demo_once")


def _schedule(days: int = 400) -> None:
    today = timezone.localdate()
    services.schedule_visits(today=today, horizon=today + timedelta(days=days), actor=None)


@pytest.fixture
def history(agent: Any, west_plan: ServicePlan, make_expert: Any, catalyst: Any) -> ServicePlan:
    """The plan had one visit done (the equipment's history) and has the next one planned."""
    make_expert("fs_delete", catalyst)
    _schedule()
    first = FieldVisit.objects.get()
    services.visit_record(visit=first, version=first.version, outcome="运行正常", actor=agent)
    _schedule()
    assert list(FieldVisit.objects.order_by("id").values_list("status", flat=True)) == [
        VisitStatus.DONE,
        VisitStatus.PLANNED,
    ]
    return ServicePlan.objects.get(pk=west_plan.pk)


def _statuses() -> list[str]:
    return list(FieldVisit.objects.order_by("id").values_list("status", flat=True))


# --- services -------------------------------------------------------------------------------


def test_equipment_delete_cancels_planned_visits_and_keeps_the_done_ones(
    admin: Any, history: ServicePlan
) -> None:
    equipment = history.equipment

    services.equipment_delete(equipment=equipment, actor=admin)

    assert Equipment.all_objects.get(pk=equipment.pk).is_deleted
    assert _statuses() == [VisitStatus.DONE, VisitStatus.CANCELLED]
    cancelled = FieldVisit.objects.get(status=VisitStatus.CANCELLED)
    assert AuditEntry.objects.filter(
        object_id=str(cancelled.pk), action=AuditAction.UPDATE
    ).exists()
    # The plan is out of sight with its equipment, and the scheduler sends nobody there.
    assert not selectors.plans_for_user(admin).exists()
    assert not selectors.equipment_for_user(admin).exists()
    _schedule(days=3000)
    assert FieldVisit.objects.count() == 2
    # The done visit is still the history: in the visit lists, with its outcome.
    done = selectors.visit_list(admin, view="all", status=VisitStatus.DONE).get()
    assert done.outcome == "运行正常"


def test_equipment_restore_brings_back_its_plans(admin: Any, history: ServicePlan) -> None:
    equipment = history.equipment
    services.equipment_delete(equipment=equipment, actor=admin)

    deleted = recycle.deleted_for_user(admin, "fieldservice.equipment").get()
    recycle.bins()["fieldservice.equipment"].restore(deleted, admin)

    assert selectors.equipment_get_for_user(user=admin, pk=equipment.pk).version > 1
    assert selectors.plan_get_for_user(user=admin, pk=history.pk) == history
    # The cancelled visit stays cancelled (as after cancelling a visit by hand).
    assert _statuses() == [VisitStatus.DONE, VisitStatus.CANCELLED]


def test_equipment_restore_needs_its_customer(admin: Any, west_equipment: Equipment) -> None:
    services.equipment_delete(equipment=west_equipment, actor=admin)
    customer_services.customer_delete(customer=west_equipment.customer, actor=admin)

    with pytest.raises(Conflict) as exc:
        services.equipment_restore(
            equipment=Equipment.all_objects.get(pk=west_equipment.pk), actor=admin
        )

    assert exc.value.code == "customer_deleted"
    assert Equipment.all_objects.get(pk=west_equipment.pk).is_deleted


def test_plan_delete_cancels_its_planned_visit_only(
    admin: Any, agent: Any, history: ServicePlan
) -> None:
    other = services.plan_create(
        equipment=history.equipment,
        name="季度巡检",
        interval=3,
        interval_unit="months",
        next_due=timezone.localdate(),
        actor=agent,
    )
    _schedule()
    other_visit = FieldVisit.objects.get(plan=other)

    services.plan_delete(plan=history, actor=admin)

    assert ServicePlan.all_objects.get(pk=history.pk).is_deleted
    assert list(
        FieldVisit.objects.filter(plan=history).order_by("id").values_list("status", flat=True)
    ) == [
        VisitStatus.DONE,
        VisitStatus.CANCELLED,
    ]
    assert FieldVisit.objects.get(pk=other_visit.pk).status == VisitStatus.PLANNED
    # The equipment keeps the visits in its history, and its other plan.
    assert len(selectors.visits_of(history.equipment)) == 3
    assert list(selectors.plans_of(history.equipment)) == [other]


def test_plan_restore_needs_its_equipment(admin: Any, west_plan: ServicePlan) -> None:
    services.plan_delete(plan=west_plan, actor=admin)
    services.equipment_delete(equipment=west_plan.equipment, actor=admin)
    plan = ServicePlan.all_objects.get(pk=west_plan.pk)

    with pytest.raises(Conflict) as exc:
        services.plan_restore(plan=plan, actor=admin)
    assert exc.value.code == "equipment_deleted"

    services.equipment_restore(
        equipment=Equipment.all_objects.get(pk=west_plan.equipment_id), actor=admin
    )
    services.plan_restore(plan=plan, actor=admin)
    assert selectors.plan_get_for_user(user=admin, pk=plan.pk).is_deleted is False


# --- API ------------------------------------------------------------------------------------


def test_api_delete_equipment_and_plan(
    api_client: Any, admin: Any, agent: Any, history: ServicePlan
) -> None:
    equipment = history.equipment
    # The agent edits field service but may not delete: 403, nothing changed.
    refused = api_client(agent).delete(f"/api/v1/equipment/{equipment.pk}")
    assert refused.status_code == 403
    assert _statuses() == [VisitStatus.DONE, VisitStatus.PLANNED]

    c = api_client(admin)
    res = c.delete(f"/api/v1/service-plans/{history.pk}")
    assert res.status_code == 204
    plans = c.get(f"/api/v1/service-plans?equipment_id={equipment.pk}").json()["items"]
    assert plans == []
    assert _statuses() == [VisitStatus.DONE, VisitStatus.CANCELLED]

    res = c.delete(f"/api/v1/equipment/{equipment.pk}")
    assert res.status_code == 204
    assert c.get(f"/api/v1/equipment/{equipment.pk}").status_code == 404
    assert c.delete(f"/api/v1/equipment/{equipment.pk}").status_code == 404
    # The done visit is still there, with its outcome.
    visits = c.get("/api/v1/field-visits?view=all&status=done").json()["items"]
    assert [v["outcome"] for v in visits] == ["运行正常"]


def test_api_delete_of_another_units_equipment_is_404(
    api_client: Any, mgr_east: Any, west_equipment: Equipment
) -> None:
    assert api_client(mgr_east).delete(f"/api/v1/equipment/{west_equipment.pk}").status_code == 404
    assert not Equipment.all_objects.get(pk=west_equipment.pk).is_deleted


# --- pages ----------------------------------------------------------------------------------


def test_delete_equipment_page_asks_first(
    page_client: Any, admin: Any, agent: Any, history: ServicePlan
) -> None:
    equipment = history.equipment
    c = page_client(admin)
    detail = c.get(f"/field/equipment/{equipment.pk}/").content.decode()
    assert f'href="/field/equipment/{equipment.pk}/delete/"' in detail
    assert (
        'id="equipment-delete"'
        not in page_client(agent).get(f"/field/equipment/{equipment.pk}/").content.decode()
    )

    # GET asks, and says what happens to the planned visit; nothing is deleted yet.
    ask = c.get(f"/field/equipment/{equipment.pk}/delete/")
    assert ask.status_code == 200
    text = ask.content.decode()
    assert "加氢反应器R-101" in text and "1 个待执行的服务任务将被取消" in text
    assert 'id="confirm-delete"' in text
    assert not Equipment.all_objects.get(pk=equipment.pk).is_deleted

    res = c.post(f"/field/equipment/{equipment.pk}/delete/", follow=True)

    assert res.redirect_chain[-1][0] == "/field/"
    page = res.content.decode()
    assert "已移入回收站" in page and f"/field/equipment/{equipment.pk}/" not in page
    assert _statuses() == [VisitStatus.DONE, VisitStatus.CANCELLED]
    # The done visit's page still opens, naming the equipment without a dead link.
    done = FieldVisit.objects.get(status=VisitStatus.DONE)
    visit_page = c.get(f"/field/visits/{done.pk}/").content.decode()
    assert "已在回收站" in visit_page
    assert f'href="/field/equipment/{equipment.pk}/"' not in visit_page
    # It is in the recycle bin, from where it comes back.
    assert (
        f"/org/recycle-bin/fieldservice.equipment/{equipment.pk}/restore/"
        in c.get("/org/recycle-bin/").content.decode()
    )
    c.post(f"/org/recycle-bin/fieldservice.equipment/{equipment.pk}/restore/")
    assert c.get(f"/field/equipment/{equipment.pk}/").status_code == 200


def test_delete_plan_page(page_client: Any, admin: Any, agent: Any, history: ServicePlan) -> None:
    c = page_client(admin)
    edit = c.get(f"/field/plans/{history.pk}/").content.decode()
    assert f'href="/field/plans/{history.pk}/delete/"' in edit
    assert page_client(agent).get(f"/field/plans/{history.pk}/delete/").status_code == 403

    ask = c.get(f"/field/plans/{history.pk}/delete/").content.decode()
    assert "催化剂年检" in ask and "待执行的服务任务将被取消" in ask

    res = c.post(f"/field/plans/{history.pk}/delete/")

    assert res.status_code == 302 and res.url == f"/field/equipment/{history.equipment_id}/"
    detail = c.get(res.url).content.decode()
    assert f"/field/plans/{history.pk}/" not in detail
    assert "运行正常" in detail  # the done visit stays in the equipment's history
    assert c.get(f"/field/plans/{history.pk}/").status_code == 404


# --- one way of handling a posted form -------------------------------------------------------


def test_form_posted_from_another_page_names_the_fields(
    page_client: Any, agent: Any, west_plan: ServicePlan, make_expert: Any, catalyst: Any
) -> None:
    equipment_url = f"/field/equipment/{west_plan.equipment_id}/"
    c = page_client(agent)

    res = c.post(
        f"/field/equipment/{west_plan.equipment_id}/plans/",
        {"name": "", "interval": "0", "interval_unit": "months", "next_due": "x"},
        HTTP_REFERER=f"http://testserver{equipment_url}",
        follow=True,
    )

    assert res.redirect_chain[-1][0].endswith(equipment_url)
    page = res.content.decode()
    assert "名称: " in page and "下次到期: " in page
    assert ServicePlan.objects.count() == 1

    res = c.post(
        f"/field/equipment/{west_plan.equipment_id}/products/",
        {"code": "NO-SUCH", "quantity": "1"},
        HTTP_REFERER=f"http://testserver{equipment_url}",
        follow=True,
    )
    assert "NO-SUCH" in res.content.decode()

    make_expert("fs_form", catalyst)
    _schedule()
    visit = FieldVisit.objects.get()
    visit_url = f"/field/visits/{visit.pk}/"
    res = c.post(
        f"{visit_url}record/",
        {"outcome": "", "done_on": ""},
        HTTP_REFERER=f"http://testserver{visit_url}",
        follow=True,
    )
    page = res.content.decode()
    assert "请刷新页面后重试。" in page  # the version was missing
    assert FieldVisit.objects.get().status == VisitStatus.PLANNED
