"""The organisation's JSON API: bodies, envelopes, CRUD, versions, recycle bin, tokens."""

import pytest

from crm.core.models import AuditEntry
from crm.org.models import ApiToken, OrgUnit, Role, RolePermission, SystemParameter, User
from crm.testing.fixtures import DEMO_PASSWORD

pytestmark = pytest.mark.usefixtures("demo_once")


def _unit(name):
    return OrgUnit.all_objects.get(name=name)


def _error(res, status, code=None):
    assert res.status_code == status, res.content
    body = res.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# --- tokens and me -----------------------------------------------------------------------


def test_token_endpoint_gives_a_working_token(demo, api_client):
    res = api_client().post_json(
        "/api/v1/auth/token", {"username": "rep_east_1", "password": DEMO_PASSWORD}
    )
    assert res.status_code == 200
    token = res.json()["token"]
    me = api_client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json()["username"] == "rep_east_1"


def test_token_endpoint_errors_have_the_error_body(demo, api_client):
    client = api_client()
    wrong = client.post_json("/api/v1/auth/token", {"username": "rep_east_1", "password": "x"})
    assert _error(wrong, 401, "invalid_credentials")["fields"] == {}
    missing = client.post_json("/api/v1/auth/token", {"password": "x"})
    assert "username" in _error(missing, 422, "validation_error")["fields"]
    not_json = client.post("/api/v1/auth/token", data="{nope", content_type="application/json")
    _error(not_json, 422, "validation_error")


def test_me_returns_unit_roles_and_per_module_scopes(demo, api_client, mgr_east):
    res = api_client(mgr_east).get("/api/v1/me")
    assert res.status_code == 200
    me = res.json()
    assert me["id"] == mgr_east.pk
    assert me["unit"] == {"id": _unit("上海分公司").pk, "name": "上海分公司"}
    assert [r["code"] for r in me["roles"]] == ["sales_manager"]
    assert me["modules"]["org"] == {"actions": ["view"], "scope": "subtree"}
    assert me["modules"]["customers"] == {
        "actions": ["create", "delete", "edit", "export", "view"],
        "scope": "subtree",
    }
    assert "marketing" not in me["modules"]
    assert me["specials"] == ["export"]
    assert me["language"] == "zh-hans"


def test_token_list_shows_own_tokens_without_the_secret_and_revoke_works(
    demo, api_client, rep_east
):
    client = api_client(rep_east)
    other = api_client(rep_east)  # a second token of the same user
    tokens = client.get("/api/v1/auth/tokens").json()
    assert len(tokens) == 2
    assert set(tokens[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
    # when one token is revoked
    victim = ApiToken.objects.filter(user=rep_east).order_by("id").last()
    assert victim is not None
    res = client.delete(f"/api/v1/auth/tokens/{victim.pk}")
    assert res.status_code == 204
    # then that token no longer works, the other still does
    assert other.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200
    listed = {t["id"]: t for t in client.get("/api/v1/auth/tokens").json()}
    assert listed[victim.pk]["revoked_at"] is not None


def test_another_users_token_cannot_be_revoked(demo, api_client, admin, rep_west):
    api_client(rep_west)
    token = ApiToken.objects.get(user=rep_west)
    _error(api_client(admin).delete(f"/api/v1/auth/tokens/{token.pk}"), 404, "not_found")
    token.refresh_from_db()
    assert token.revoked_at is None


# --- lists -------------------------------------------------------------------------------


def test_list_envelope(demo, api_client, admin):
    res = api_client(admin).get("/api/v1/employees?page=2&page_size=4")
    assert res.status_code == 200
    body = res.json()
    assert set(body) == {"items", "count", "page", "page_size"}
    employees = User.objects.count()  # the demo's, 9 and more as modules add roles
    assert (body["count"], body["page"], body["page_size"]) == (employees, 2, 4)
    assert len(body["items"]) == 4
    assert [e["username"] for e in body["items"]] == sorted(e["username"] for e in body["items"])


@pytest.mark.parametrize(
    "query", ["page_size=201", "page_size=0", "page=0", "page=abc", "page_size=-5"]
)
def test_bad_paging_is_422(demo, api_client, admin, query):
    error = _error(api_client(admin).get(f"/api/v1/employees?{query}"), 422, "validation_error")
    assert set(error["fields"]) <= {"page", "page_size"}
    assert error["fields"]


def test_employee_list_filters_and_sorts(demo, api_client, admin):
    client = api_client(admin)
    east = _unit("华东化工有限公司")
    res = client.get(f"/api/v1/employees?unit_id={east.pk}&ordering=-username")
    names = [e["username"] for e in res.json()["items"]]
    assert names == ["rep_east_2", "rep_east_1", "mgr_east"]
    res = client.get("/api/v1/employees?q=刘芳")
    assert [e["username"] for e in res.json()["items"]] == ["rep_east_2"]


def test_unit_list_is_scoped_and_searchable(demo, api_client, mgr_east):
    client = api_client(mgr_east)
    names = [u["name"] for u in client.get("/api/v1/org-units").json()["items"]]
    assert names == ["上海分公司", "上海销售一组"]
    assert client.get("/api/v1/org-units?q=成都").json()["count"] == 0


# --- units -------------------------------------------------------------------------------


def test_unit_crud(demo, api_client, admin):
    client = api_client(admin)
    parent = _unit("华东化工有限公司")
    # create
    res = client.post_json(
        "/api/v1/org-units", {"name": "杭州分公司", "kind": "branch", "parent_id": parent.pk}
    )
    assert res.status_code == 201
    unit = res.json()
    assert (unit["parent_id"], unit["depth"], unit["version"]) == (parent.pk, 2, 1)
    # read
    assert client.get(f"/api/v1/org-units/{unit['id']}").json()["name"] == "杭州分公司"
    # update
    res = client.patch_json(
        f"/api/v1/org-units/{unit['id']}", {"version": 1, "name": "杭州公司", "sort_order": 2}
    )
    assert res.status_code == 200
    assert (res.json()["name"], res.json()["sort_order"], res.json()["version"]) == (
        "杭州公司",
        2,
        2,
    )
    # delete
    assert client.delete(f"/api/v1/org-units/{unit['id']}").status_code == 204
    _error(client.get(f"/api/v1/org-units/{unit['id']}"), 404, "not_found")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "kind": "team"}, "name"),
        ({"name": "x", "kind": "castle"}, "kind"),
        ({"name": "上海销售一组", "kind": "team"}, "name"),
        ({"name": "x" * 101, "kind": "team"}, "name"),
        ({"name": "x", "kind": "team", "sort_order": -1}, "sort_order"),
    ],
)
def test_unit_create_bad_input_is_422_and_creates_nothing(demo, api_client, admin, payload, field):
    count = OrgUnit.all_objects.count()
    res = api_client(admin).post_json(
        "/api/v1/org-units", {**payload, "parent_id": _unit("上海分公司").pk}
    )
    assert field in _error(res, 422, "validation_error")["fields"]
    assert OrgUnit.all_objects.count() == count


def test_unit_create_under_an_unknown_parent_is_404(demo, api_client, admin):
    res = api_client(admin).post_json(
        "/api/v1/org-units", {"name": "x", "kind": "team", "parent_id": 999_999}
    )
    _error(res, 404, "not_found")


def test_unit_patch_with_a_stale_version_is_409_and_changes_nothing(demo, api_client, admin):
    client = api_client(admin)
    unit = _unit("南京分公司")
    ok = client.patch_json(f"/api/v1/org-units/{unit.pk}", {"version": 1, "name": "南京公司"})
    assert ok.status_code == 200
    audit = AuditEntry.objects.count()
    # when a second editor sends the version they opened
    res = client.patch_json(f"/api/v1/org-units/{unit.pk}", {"version": 1, "name": "南京总部"})
    # then
    _error(res, 409, "stale_version")
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("南京公司", 2)
    assert AuditEntry.objects.count() == audit


def test_unit_patch_without_version_is_422(demo, api_client, admin):
    unit = _unit("南京分公司")
    res = api_client(admin).patch_json(f"/api/v1/org-units/{unit.pk}", {"name": "x"})
    assert "version" in _error(res, 422, "validation_error")["fields"]


def test_unit_move(demo, api_client, admin):
    client = api_client(admin)
    sh, team = _unit("上海分公司"), _unit("上海销售一组")
    target = _unit("西南能源有限公司")
    res = client.post_json(
        f"/api/v1/org-units/{sh.pk}/move", {"version": sh.version, "parent_id": target.pk}
    )
    assert res.status_code == 200
    assert (res.json()["parent_id"], res.json()["depth"]) == (target.pk, 2)
    team.refresh_from_db()
    assert team.path.startswith(target.path)
    # moving under its own child is refused
    res = client.post_json(
        f"/api/v1/org-units/{sh.pk}/move", {"version": sh.version + 1, "parent_id": team.pk}
    )
    assert "parent" in _error(res, 422, "validation_error")["fields"]
    # a stale version is refused
    res = client.post_json(
        f"/api/v1/org-units/{sh.pk}/move", {"version": sh.version, "parent_id": target.pk}
    )
    _error(res, 409, "stale_version")


def test_unit_delete_with_children_is_409(demo, api_client, admin):
    sh = _unit("上海分公司")
    _error(api_client(admin).delete(f"/api/v1/org-units/{sh.pk}"), 409, "unit_has_children")
    assert not _unit("上海分公司").is_deleted


def test_delete_recycle_bin_restore(demo, api_client, admin):
    client = api_client(admin)
    unit = _unit("重庆润滑油车间")
    # when deleted
    assert client.delete(f"/api/v1/org-units/{unit.pk}").status_code == 204
    # then it is gone from the lists and in the recycle bin
    names = [u["name"] for u in client.get("/api/v1/org-units?page_size=200").json()["items"]]
    assert "重庆润滑油车间" not in names
    bin_ = client.get("/api/v1/recycle-bin?model=org.orgunit").json()
    assert [(i["model"], i["id"], i["label"]) for i in bin_["items"]] == [
        ("org.orgunit", unit.pk, "重庆润滑油车间")
    ]
    assert bin_["items"][0]["deleted_at"]
    # when restored
    res = client.post_json(f"/api/v1/recycle-bin/org.orgunit/{unit.pk}/restore")
    assert res.status_code == 204
    # then
    assert client.get(f"/api/v1/org-units/{unit.pk}").status_code == 200
    assert client.get("/api/v1/recycle-bin?model=org.orgunit").json()["count"] == 0
    # restoring again: nothing in the bin to restore
    _error(client.post_json(f"/api/v1/recycle-bin/org.orgunit/{unit.pk}/restore"), 404)


def test_restore_under_a_deleted_parent_is_409(demo, api_client, admin):
    client = api_client(admin)
    cq, ws = _unit("重庆分公司"), _unit("重庆润滑油车间")
    assert client.delete(f"/api/v1/org-units/{ws.pk}").status_code == 204
    User.objects.filter(unit=cq).update(is_active=False)
    assert client.delete(f"/api/v1/org-units/{cq.pk}").status_code == 204
    res = client.post_json(f"/api/v1/recycle-bin/org.orgunit/{ws.pk}/restore")
    _error(res, 409, "parent_deleted")
    assert _unit("重庆润滑油车间").is_deleted


def test_recycle_bin_of_an_unknown_model_is_refused(demo, api_client, admin):
    res = api_client(admin).get("/api/v1/recycle-bin?model=auth.nothing")
    assert "model" in _error(res, 422, "validation_error")["fields"]


# --- employees ---------------------------------------------------------------------------


def test_employee_crud(demo, api_client, admin):
    client = api_client(admin)
    unit = _unit("南京销售一组")
    rep_role = Role.objects.get(code="sales_rep")
    res = client.post_json(
        "/api/v1/employees",
        {
            "username": "nj_rep",
            "password": "Xk7-plover-2026",
            "name": "吴刚",
            "unit_id": unit.pk,
            "role_ids": [rep_role.pk],
        },
    )
    assert res.status_code == 201
    emp = res.json()
    assert emp["unit"] == {"id": unit.pk, "name": "南京销售一组"}
    assert [r["code"] for r in emp["roles"]] == ["sales_rep"]
    assert "password" not in emp
    # the new employee can sign in
    token = client.post_json(
        "/api/v1/auth/token", {"username": "nj_rep", "password": "Xk7-plover-2026"}
    )
    assert token.status_code == 200
    # patch
    res = client.patch_json(
        f"/api/v1/employees/{emp['id']}",
        {"version": emp["version"], "phone": "13800000000", "role_ids": []},
    )
    assert res.status_code == 200
    assert (res.json()["phone"], res.json()["roles"]) == ("13800000000", [])
    # stale patch
    res = client.patch_json(
        f"/api/v1/employees/{emp['id']}", {"version": emp["version"], "name": "旧"}
    )
    _error(res, 409, "stale_version")
    assert User.objects.get(pk=emp["id"]).name == "吴刚"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "rep_east_1"}, "username"),
        ({"password": "123"}, "password"),
        ({"email": "nope"}, "email"),
        ({"role_ids": [999_999]}, "role_ids"),
        ({"username": ""}, "username"),
    ],
)
def test_employee_create_bad_input_is_422(demo, api_client, admin, payload, field):
    count = User.objects.count()
    body = {
        "username": "new_one",
        "password": "Xk7-plover-2026",
        "unit_id": _unit("南京销售一组").pk,
        **payload,
    }
    res = api_client(admin).post_json("/api/v1/employees", body)
    assert field in _error(res, 422, "validation_error")["fields"]
    assert User.objects.count() == count


def test_employee_deactivate_and_activate(demo, api_client, admin, rep_west):
    client = api_client(admin)
    res = client.post_json(f"/api/v1/employees/{rep_west.pk}/deactivate")
    assert res.json()["is_active"] is False
    active = client.get("/api/v1/employees?active=true&page_size=200").json()["items"]
    assert rep_west.pk not in {e["id"] for e in active}
    res = client.post_json(f"/api/v1/employees/{rep_west.pk}/activate")
    assert res.json()["is_active"] is True


# --- roles -------------------------------------------------------------------------------


def test_role_crud_and_grants(demo, api_client, admin):
    client = api_client(admin)
    res = client.post_json("/api/v1/roles", {"code": "auditor", "name": "审计"})
    assert res.status_code == 201
    role = res.json()
    assert role["grants"] == []
    res = client.patch_json(
        f"/api/v1/roles/{role['id']}",
        {
            "version": role["version"],
            "can_export": True,
            "grants": {"customers": {"can_view": True, "can_export": True, "scope": "all"}},
        },
    )
    assert res.status_code == 200
    assert res.json()["can_export"] is True
    assert res.json()["grants"] == [
        {
            "module": "customers",
            "can_view": True,
            "can_create": False,
            "can_edit": False,
            "can_delete": False,
            "can_export": True,
            "scope": "all",
        }
    ]
    assert client.get(f"/api/v1/roles/{role['id']}").json()["version"] == 2
    listed = client.get("/api/v1/roles?page_size=200").json()
    assert "auditor" in {r["code"] for r in listed["items"]}


def test_role_patch_with_a_stale_version_is_409_and_changes_nothing(demo, api_client, admin):
    client = api_client(admin)
    role = Role.objects.get(code="sales_rep")
    grants_before = list(RolePermission.objects.filter(role=role).values())
    res = client.patch_json(
        f"/api/v1/roles/{role.pk}",
        {
            "version": role.version + 5,
            "name": "改名",
            "grants": {"org": {"can_view": True, "can_delete": True, "scope": "all"}},
        },
    )
    _error(res, 409, "stale_version")
    role.refresh_from_db()
    assert role.name == "销售人员"
    assert list(RolePermission.objects.filter(role=role).values()) == grants_before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"grants": {"galaxy": {"can_view": True}}}, "grants"),
        ({"grants": {"org": {"scope": "galaxy"}}}, "grants.org.scope"),
        ({"name": ""}, "name"),
    ],
)
def test_role_patch_bad_input_is_422(demo, api_client, admin, payload, field):
    role = Role.objects.get(code="sales_rep")
    res = api_client(admin).patch_json(
        f"/api/v1/roles/{role.pk}", {"version": role.version, **payload}
    )
    assert field in _error(res, 422, "validation_error")["fields"]
    assert Role.objects.get(pk=role.pk).version == role.version


def test_role_create_with_a_taken_code_is_422(demo, api_client, admin):
    res = api_client(admin).post_json("/api/v1/roles", {"code": "admin", "name": "x"})
    assert "code" in _error(res, 422, "validation_error")["fields"]


# --- parameters --------------------------------------------------------------------------


def test_parameters_list_and_put(demo, api_client, admin):
    client = api_client(admin)
    items = {p["key"]: p for p in client.get("/api/v1/parameters").json()}
    assert items["default_currency"] == {
        "key": "default_currency",
        "label": items["default_currency"]["label"],
        "value": "CNY",
        "default": "CNY",
        "version": 0,
    }
    # when the version the list showed is sent back
    res = client.put_json("/api/v1/parameters/default_currency", {"value": "usd", "version": 0})
    assert res.status_code == 200, res.content
    assert res.json()["value"] == "USD"
    version = res.json()["version"]
    # then an edit from the old version is refused
    res = client.put_json("/api/v1/parameters/default_currency", {"value": "EUR", "version": 0})
    _error(res, 409, "stale_version")
    res = client.put_json(
        "/api/v1/parameters/default_currency", {"value": "EUR", "version": version}
    )
    assert res.json()["value"] == "EUR"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("receivable_due_reminder_days", "-1"),
        ("receivable_due_reminder_days", "999"),
        ("receivable_due_reminder_days", "abc"),
        ("fiscal_year_start", "13-40"),
        ("default_currency", "XYZ"),
    ],
)
def test_parameter_put_bad_value_is_422_and_stores_nothing(demo, api_client, admin, key, value):
    res = api_client(admin).put_json(f"/api/v1/parameters/{key}", {"value": value})
    assert "value" in _error(res, 422, "validation_error")["fields"]
    assert not SystemParameter.objects.exists()


def test_parameter_put_unknown_key_is_404(demo, api_client, admin):
    _error(api_client(admin).put_json("/api/v1/parameters/nope", {"value": "1"}), 404)
