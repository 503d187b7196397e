"""Pages of the organisation and system administration."""

from pathlib import Path

import pytest
from django.test import Client

import crm
from crm.core.errors import StaleVersion
from crm.core.models import AuditEntry
from crm.core.modules import Module
from crm.org import services
from crm.org.models import OrgUnit, Role, RolePermission, SystemParameter, User

pytestmark = pytest.mark.usefixtures("demo_once")


def _unit(name):
    return OrgUnit.all_objects.get(name=name)


def _html(res):
    return res.content.decode()


def _messages(res):
    return [str(m) for m in res.context["messages"]] if res.context else []


def test_login_page_is_chinese_by_default(db):
    res = Client().get("/accounts/login/")
    assert res.status_code == 200
    html = _html(res)
    assert 'lang="zh-hans"' in html
    compiled = Path(crm.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.mo"
    if compiled.exists():
        assert "登录" in html


def test_login_page_in_english_on_request(db):
    res = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in _html(res)
    assert "Sign in" in _html(res)


def test_pages_need_a_signed_in_user(db):
    res = Client().get("/org/employees/")
    assert res.status_code == 302
    assert res["Location"].startswith("/accounts/login/?next=/org/employees/")


# --- tree and units ----------------------------------------------------------------------


def test_tree_shows_the_nested_organisation(demo, page_client, admin):
    res = page_client(admin).get("/org/")
    assert res.status_code == 200
    html = _html(res)
    for unit in OrgUnit.objects.all():
        assert f'href="/org/units/{unit.pk}/"' in html
    # nesting follows the path order: the group comes before its companies, a team after
    assert html.index("中化示范集团") < html.index("华东化工有限公司") < html.index("上海销售一组")


def test_tree_of_a_manager_shows_only_their_subtree(demo, page_client, mgr_east):
    html = _html(page_client(mgr_east).get("/org/"))
    assert "上海分公司" in html
    assert "上海销售一组" in html
    assert "成都分公司" not in html
    assert "中化示范集团" not in html


def test_unit_create_page(demo, page_client, admin):
    client = page_client(admin)
    parent = _unit("华东化工有限公司")
    res = client.post(
        "/org/units/new/",
        {
            "new-name": "杭州分公司",
            "new-kind": "branch",
            "new-parent": parent.pk,
            "new-sort_order": 0,
        },
    )
    unit = _unit("杭州分公司")
    assert res.status_code == 302
    assert res["Location"] == f"/org/units/{unit.pk}/"
    assert unit.parent == parent


def test_unit_create_page_with_a_taken_name_shows_the_field_error(demo, page_client, admin):
    count = OrgUnit.all_objects.count()
    res = page_client(admin).post(
        "/org/units/new/",
        {
            "new-name": "上海分公司",
            "new-kind": "branch",
            "new-parent": _unit("华东化工有限公司").pk,
            "new-sort_order": 0,
        },
    )
    assert res.status_code == 422
    assert res.context["form"].errors["name"]
    assert OrgUnit.all_objects.count() == count


def test_unit_detail_shows_members_and_history_old_to_new(demo, page_client, admin):
    # given a unit renamed once
    unit = _unit("南京分公司")
    services.unit_update(unit=unit, version=unit.version, actor=admin, name="南京公司")
    # when
    res = page_client(admin).get(f"/org/units/{unit.pk}/")
    # then
    assert res.status_code == 200
    html = _html(res)
    assert 'id="history"' in html
    assert "南京分公司</span> → 南京公司" in html
    assert "系统管理员" in html  # who


def test_unit_edit_page_saves(demo, page_client, admin):
    unit = _unit("南京分公司")
    res = page_client(admin).post(
        f"/org/units/{unit.pk}/edit/",
        {"name": "南京公司", "kind": "branch", "sort_order": 4, "version": unit.version},
    )
    assert res.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.sort_order, unit.version) == ("南京公司", 4, 2)


def test_stale_edit_on_the_unit_page_shows_the_conflict_and_changes_nothing(
    demo, page_client, admin
):
    # given someone saved the unit after this editor opened it at version 1
    unit = _unit("南京分公司")
    services.unit_update(unit=unit, version=1, actor=admin, name="南京公司")
    audit = AuditEntry.objects.count()
    # when the editor saves from version 1
    res = page_client(admin).post(
        f"/org/units/{unit.pk}/edit/",
        {"name": "南京总部", "kind": "branch", "sort_order": 0, "version": 1},
    )
    # then
    assert res.status_code == 409
    assert str(StaleVersion.default_message) in _messages(res)
    assert str(StaleVersion.default_message) in _html(res)
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("南京公司", 2)
    assert AuditEntry.objects.count() == audit


def test_unit_move_page(demo, page_client, admin):
    sh = _unit("上海分公司")
    target = _unit("西南能源有限公司")
    res = page_client(admin).post(
        f"/org/units/{sh.pk}/move/", {"parent": target.pk, "version": sh.version}
    )
    assert res.status_code == 302
    assert _unit("上海销售一组").path.startswith(target.path)


def test_unit_move_page_does_not_offer_the_own_subtree(demo, page_client, admin):
    sh = _unit("上海分公司")
    res = page_client(admin).post(
        f"/org/units/{sh.pk}/move/", {"parent": _unit("上海销售一组").pk, "version": sh.version}
    )
    assert res.status_code == 422
    assert res.context["move_form"].errors["parent"]
    assert _unit("上海分公司").parent == _unit("华东化工有限公司")


def test_unit_delete_page_refuses_a_unit_with_children_with_a_message(demo, page_client, admin):
    sh = _unit("上海分公司")
    client = page_client(admin)
    res = client.post(f"/org/units/{sh.pk}/delete/", HTTP_REFERER=f"/org/units/{sh.pk}/")
    assert res.status_code == 302
    assert res["Location"] == f"/org/units/{sh.pk}/"
    assert not _unit("上海分公司").is_deleted
    follow = client.get(res["Location"])
    assert any("先" in m or "first" in m for m in _messages(follow))


def test_rep_gets_404_for_another_units_pages(demo, page_client, rep_east, rep_west):
    client = page_client(rep_east)
    west = _unit("成都销售一组")
    assert client.get(f"/org/units/{west.pk}/").status_code == 404
    assert client.get(f"/org/employees/{rep_west.pk}/").status_code == 404
    assert client.get("/org/units/999999/").status_code == 404
    # while their own unit and colleague are there
    assert client.get(f"/org/units/{_unit('上海销售一组').pk}/").status_code == 200
    colleague = User.objects.get(username="rep_east_2")
    assert client.get(f"/org/employees/{colleague.pk}/").status_code == 200


def test_a_reader_sees_no_edit_forms(demo, page_client, leader):
    html = _html(page_client(leader).get(f"/org/units/{_unit('成都分公司').pk}/"))
    assert "unit-edit-form" not in html
    assert "unit-move-form" not in html


# --- employees ---------------------------------------------------------------------------


def test_employees_list_filters(demo, page_client, admin):
    client = page_client(admin)
    east = _unit("华东化工有限公司")
    res = client.get(f"/org/employees/?unit={east.pk}")
    assert res.status_code == 200
    assert [e.username for e in res.context["page"].items] == [
        "mgr_east",
        "rep_east_1",
        "rep_east_2",
    ]
    res = client.get("/org/employees/?q=赵磊")
    assert [e.username for e in res.context["page"].items] == ["rep_west_1"]
    # a unit id out of scope or malformed is ignored rather than an error
    assert client.get("/org/employees/?unit=abc").status_code == 200


def test_employees_list_active_filter(demo, page_client, admin, rep_west):
    services.employee_set_active(user=rep_west, active=False, actor=admin)
    client = page_client(admin)
    active = [e.username for e in client.get("/org/employees/").context["page"].items]
    assert "rep_west_1" not in active
    gone = [e.username for e in client.get("/org/employees/?active=0").context["page"].items]
    assert gone == ["rep_west_1"]
    everyone = client.get("/org/employees/?active=all").context["page"]
    assert everyone.count == User.objects.count() >= 9


def test_employees_list_sorting(demo, page_client, admin):
    client = page_client(admin)
    names = [e.username for e in client.get("/org/employees/?sort=-username").context["page"].items]
    assert names == sorted(names, reverse=True)
    # an unknown sort key falls back to the username
    names = [e.username for e in client.get("/org/employees/?sort=password").context["page"].items]
    assert names == sorted(names)


def test_employees_list_pagination(demo, page_client, admin):
    client = page_client(admin)
    first = client.get("/org/employees/?page_size=4")
    page = first.context["page"]
    n = User.objects.count()  # the demo's employees (9 and more as modules add roles)
    assert (page.count, page.num_pages, len(page.items)) == (n, -(-n // 4), 4)
    assert "page=2" in _html(first)
    last = client.get("/org/employees/?page_size=4&page=3").context["page"]
    assert len(last.items) == n - 8
    # bad paging falls back to the first page rather than failing
    res = client.get("/org/employees/?page=abc&page_size=500")
    assert res.status_code == 200
    assert res.context["page"].page == 1


def test_employee_create_page(demo, page_client, admin):
    client = page_client(admin)
    assert client.get("/org/employees/new/").status_code == 200
    unit = _unit("南京销售一组")
    role = Role.objects.get(code="sales_rep")
    res = client.post(
        "/org/employees/new/",
        {
            "username": "nj_rep",
            "password": "Xk7-plover-2026",
            "name": "吴刚",
            "unit": unit.pk,
            "roles": [role.pk],
        },
    )
    user = User.objects.get(username="nj_rep")
    assert res.status_code == 302
    assert res["Location"] == f"/org/employees/{user.pk}/"
    assert (user.unit, list(user.roles.all())) == (unit, [role])


def test_employee_create_page_shows_field_errors(demo, page_client, admin):
    before = User.objects.count()
    res = page_client(admin).post(
        "/org/employees/new/",
        {"username": "rep_east_1", "password": "123", "unit": _unit("南京销售一组").pk},
    )
    assert res.status_code == 200
    assert res.context["form"].errors["username"]
    assert User.objects.count() == before


def test_employee_edit_page_changes_unit_and_roles_with_history(demo, page_client, admin, rep_east):
    client = page_client(admin)
    page = client.get(f"/org/employees/{rep_east.pk}/")
    assert page.status_code == 200
    manager = Role.objects.get(code="sales_manager")
    res = client.post(
        f"/org/employees/{rep_east.pk}/edit/",
        {
            "name": "陈晓明",
            "email": "",
            "phone": "",
            "unit": _unit("上海分公司").pk,
            "roles": [manager.pk],
            "version": rep_east.version,
        },
    )
    assert res.status_code == 302
    fresh = User.objects.get(pk=rep_east.pk)
    assert fresh.unit == _unit("上海分公司")
    assert list(fresh.roles.all()) == [manager]
    html = _html(client.get(f"/org/employees/{rep_east.pk}/"))
    assert "销售人员</span> → 销售部门主管" in html


def test_employee_edit_page_with_a_stale_version_is_409(demo, page_client, admin, rep_east):
    res = page_client(admin).post(
        f"/org/employees/{rep_east.pk}/edit/",
        {"name": "改", "unit": rep_east.unit_id, "version": rep_east.version + 3},
    )
    assert res.status_code == 409
    assert User.objects.get(pk=rep_east.pk).name == "陈晓明"


def test_employee_deactivate_page(demo, page_client, admin, rep_west):
    res = page_client(admin).post(f"/org/employees/{rep_west.pk}/active/", {"active": "0"})
    assert res.status_code == 302
    assert not User.objects.get(pk=rep_west.pk).is_active


# --- roles -------------------------------------------------------------------------------


def test_roles_page_lists_the_seven_roles_and_creates_one(demo, page_client, admin):
    client = page_client(admin)
    res = client.get("/org/roles/")
    assert res.status_code == 200
    for role in Role.objects.all():
        assert role.name in _html(res)
    res = client.post("/org/roles/", {"code": "auditor", "name": "审计"})
    role = Role.objects.get(code="auditor")
    assert res["Location"] == f"/org/roles/{role.pk}/"


def _role_post(role, **overrides):
    data = {"name": role.name, "description": role.description, "version": role.version}
    for module in Module:
        data[f"{module.value}__scope"] = "own"
    for grant in role.grants.all():
        for flag in ("view", "create", "edit", "delete", "export"):
            if getattr(grant, f"can_{flag}"):
                data[f"{grant.module}__can_{flag}"] = "on"
        data[f"{grant.module}__scope"] = grant.scope
    data.update(overrides)
    return data


def test_role_detail_saves_grants_and_shows_the_change(demo, page_client, admin):
    client = page_client(admin)
    role = Role.objects.get(code="general")
    assert client.get(f"/org/roles/{role.pk}/").status_code == 200
    # when customers: view + create over the unit is granted
    res = client.post(
        f"/org/roles/{role.pk}/",
        _role_post(
            role, customers__can_view="on", customers__can_create="on", customers__scope="unit"
        ),
    )
    # then
    assert res.status_code == 302
    grant = RolePermission.objects.get(role=role, module="customers")
    assert (grant.can_view, grant.can_create, grant.can_edit, grant.scope) == (
        True,
        True,
        False,
        "unit",
    )
    # the org grant that was already there is kept
    assert RolePermission.objects.get(role=role, module="org").can_view
    html = _html(client.get(f"/org/roles/{role.pk}/"))
    assert "- · own</span> → view/create · unit" in html


def test_role_detail_with_a_stale_version_changes_nothing(demo, page_client, admin):
    role = Role.objects.get(code="general")
    res = page_client(admin).post(
        f"/org/roles/{role.pk}/",
        _role_post(role, version=role.version + 1, customers__can_view="on"),
    )
    assert res.status_code == 409
    assert not RolePermission.objects.filter(role=role, module="customers").exists()


def test_role_delete_page_refuses_a_role_in_use(demo, page_client, admin):
    role = Role.objects.get(code="sales_rep")
    client = page_client(admin)
    res = client.post(f"/org/roles/{role.pk}/delete/")
    assert res.status_code == 302
    assert Role.objects.filter(pk=role.pk).exists()


# --- parameters --------------------------------------------------------------------------


def test_parameters_page_lists_every_parameter_with_its_value(demo, page_client, admin):
    res = page_client(admin).get("/org/parameters/")
    assert res.status_code == 200
    html = _html(res)
    assert 'id="param-default_currency"' in html
    assert 'value="CNY"' in html


def test_parameters_page_saves_the_first_value(demo, page_client, admin):
    # the page shows version 0 for a parameter never set, and posts it back
    res = page_client(admin).post(
        "/org/parameters/", {"key": "receivable_due_reminder_days", "value": "10", "version": "0"}
    )
    assert res.status_code == 302, _messages(res)
    assert SystemParameter.objects.get(key="receivable_due_reminder_days").value == "10"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("receivable_due_reminder_days", "-1"),
        ("receivable_due_reminder_days", "abc"),
        ("fiscal_year_start", "13-40"),
        ("default_currency", "XYZ"),
    ],
)
def test_parameters_page_shows_a_field_error_and_saves_nothing(
    demo, page_client, admin, key, value
):
    res = page_client(admin).post("/org/parameters/", {"key": key, "value": value, "version": ""})
    assert res.status_code == 422
    html = _html(res)
    card = html[html.index(f'id="param-{key}"') :]
    card = card[: card.index("</form>")]
    assert "is-invalid" in card
    assert "invalid-feedback" in card
    assert not SystemParameter.objects.exists()


def test_parameters_page_shows_history(demo, page_client, admin):
    services.parameter_set(key="default_currency", value="USD", version=None, actor=admin)
    html = _html(page_client(admin).get("/org/parameters/"))
    assert "CNY → USD" in html


# --- recycle bin and tokens --------------------------------------------------------------


def test_recycle_bin_lists_and_restores(demo, page_client, admin):
    unit = _unit("重庆润滑油车间")
    services.unit_delete(unit=unit, actor=admin)
    client = page_client(admin)
    restore_url = f"/org/recycle-bin/org.orgunit/{unit.pk}/restore/"
    res = client.get("/org/recycle-bin/")
    assert res.status_code == 200
    assert "重庆润滑油车间" in _html(res)
    assert restore_url in _html(res)
    res = client.post(restore_url)
    assert res.status_code == 302
    assert not _unit("重庆润滑油车间").is_deleted
    assert restore_url not in _html(client.get("/org/recycle-bin/"))


def test_tokens_page_creates_a_token_shown_once(demo, page_client, rep_east, api_client):
    client = page_client(rep_east)
    res = client.post("/org/tokens/", {"name": "ERP"})
    assert res.status_code == 200
    raw = res.context["new_token"]
    assert raw in _html(res)
    assert api_client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert raw not in _html(client.get("/org/tokens/"))


def test_home_lists_the_users_modules(demo, page_client, mgr_east):
    res = page_client(mgr_east).get("/")
    assert res.status_code == 200
    labels = [m["label"] for m in res.context["modules"]]
    assert str(Module.ORG.label) in labels
    assert str(Module.MARKETING.label) not in labels
