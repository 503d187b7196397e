"""Writes to the organisation: units, employees, roles, parameters."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from crm.core.audit import history_for
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.core.models import AuditAction, AuditEntry
from crm.core.services import record_soft_delete
from crm.org import selectors, services
from crm.org.auth import token_authenticate, token_issue
from crm.org.models import ApiToken, OrgUnit, Role, RolePermission, SystemParameter, UnitKind, User
from crm.org.params import PARAMETERS

pytestmark = pytest.mark.usefixtures("demo_once")

GOOD_PASSWORD = "Xk7-plover-2026"


def _unit(name):
    return OrgUnit.all_objects.get(name=name)


# --- units -------------------------------------------------------------------------------


def test_unit_create_sets_path_depth_and_history(demo, admin):
    parent = _unit("上海销售一组")
    unit = services.unit_create(name=" 浦东小组 ", kind="team", parent=parent, actor=admin)
    assert unit.name == "浦东小组"
    assert unit.path == f"{parent.path}{unit.pk}/"
    assert unit.depth == parent.depth + 1 == 4
    assert unit.created_by == admin
    assert history_for(unit).get().action == AuditAction.CREATE


def test_unit_names_are_unique_per_parent_only(demo, admin):
    with pytest.raises(ValidationFailed) as exc:
        services.unit_create(
            name="上海分公司", kind="branch", parent=_unit("华东化工有限公司"), actor=admin
        )
    assert "name" in exc.value.fields
    # the same name under another parent is fine
    services.unit_create(
        name="上海分公司", kind="branch", parent=_unit("西南能源有限公司"), actor=admin
    )


def test_unit_create_refuses_a_deleted_parent_and_a_bad_kind(demo, admin):
    dead = services.unit_create(name="临时", kind="team", parent=_unit("中化示范集团"), actor=admin)
    services.unit_delete(unit=dead, actor=admin)
    with pytest.raises(ValidationFailed) as exc:
        services.unit_create(name="子", kind="team", parent=dead, actor=admin)
    assert "parent" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.unit_create(name="子", kind="castle", parent=_unit("中化示范集团"), actor=admin)
    assert "kind" in exc.value.fields


def test_unit_update_renames_and_refuses_a_sibling_name(demo, admin):
    unit = _unit("南京分公司")
    services.unit_update(unit=unit, version=unit.version, actor=admin, name="南京公司")
    unit.refresh_from_db()
    assert unit.name == "南京公司"
    with pytest.raises(ValidationFailed) as exc:
        services.unit_update(unit=unit, version=unit.version, actor=admin, name="上海分公司")
    assert "name" in exc.value.fields
    unit.refresh_from_db()
    assert unit.name == "南京公司"


def test_unit_move_moves_the_whole_subtree(demo, admin):
    # given 上海分公司 (depth 2) with 上海销售一组 below it, and a deeper team below that
    sh = _unit("上海分公司")
    team = _unit("上海销售一组")
    sub = services.unit_create(name="浦东小组", kind="team", parent=team, actor=admin)
    new_parent = _unit("成都分公司")  # depth 2
    # when
    moved = services.unit_move(unit=sh, new_parent=new_parent, version=sh.version, actor=admin)
    # then every descendant's path and depth follows
    assert moved.parent == new_parent
    assert moved.path == f"{new_parent.path}{sh.pk}/"
    assert moved.depth == 3
    team.refresh_from_db()
    sub.refresh_from_db()
    assert team.path == f"{moved.path}{team.pk}/"
    assert team.depth == 4
    assert sub.path == f"{team.path}{sub.pk}/"
    assert sub.depth == 5
    # the old branch no longer holds them
    old_branch = _unit("华东化工有限公司")
    assert not OrgUnit.objects.filter(
        path__startswith=old_branch.path, name="上海销售一组"
    ).exists()
    # and the move is in the history, old → new parent
    entry = history_for(moved).first()
    assert entry is not None
    assert entry.action == AuditAction.MOVE
    assert entry.changes["parent"] == {
        "label": entry.changes["parent"]["label"],
        "old": "华东化工有限公司",
        "new": "成都分公司",
    }


def test_unit_move_keeps_the_subtree_in_the_managers_scope(demo, admin, mgr_east):
    sh = _unit("上海分公司")
    services.unit_move(
        unit=sh, new_parent=_unit("西南能源有限公司"), version=sh.version, actor=admin
    )
    fresh = User.objects.get(pk=mgr_east.pk)
    assert set(selectors.units_for_user(fresh).values_list("name", flat=True)) == {
        "上海分公司",
        "上海销售一组",
    }


def test_unit_move_to_a_shallower_parent(demo, admin):
    team = _unit("成都销售一组")
    moved = services.unit_move(
        unit=team, new_parent=_unit("中化示范集团"), version=team.version, actor=admin
    )
    assert moved.depth == 1
    assert moved.path == f"{_unit('中化示范集团').path}{team.pk}/"


@pytest.mark.parametrize("target", ["上海分公司", "上海销售一组"])
def test_unit_cannot_move_under_itself_or_its_own_subtree(demo, admin, target):
    sh = _unit("上海分公司")
    before = list(OrgUnit.objects.values_list("pk", "path", "depth", "parent_id", "version"))
    with pytest.raises(ValidationFailed) as exc:
        services.unit_move(unit=sh, new_parent=_unit(target), version=sh.version, actor=admin)
    assert "parent" in exc.value.fields
    assert (
        list(OrgUnit.objects.values_list("pk", "path", "depth", "parent_id", "version")) == before
    )


def test_unit_move_refuses_a_stale_version(demo, admin):
    sh = _unit("上海分公司")
    with pytest.raises(StaleVersion):
        services.unit_move(
            unit=sh, new_parent=_unit("成都分公司"), version=sh.version + 1, actor=admin
        )
    assert _unit("上海分公司").parent == _unit("华东化工有限公司")


def test_unit_move_under_its_current_parent_is_harmless(demo, admin):
    sh = _unit("上海分公司")
    moved = services.unit_move(unit=sh, new_parent=sh.parent, version=sh.version, actor=admin)  # type: ignore[arg-type]
    assert moved.path == sh.path


def test_unit_delete_is_refused_while_it_has_sub_units(demo, admin):
    sh = _unit("上海分公司")
    with pytest.raises(Conflict) as exc:
        services.unit_delete(unit=sh, actor=admin)
    assert exc.value.code == "unit_has_children"
    assert not _unit("上海分公司").is_deleted


def test_unit_delete_is_refused_while_it_has_active_members(demo, admin):
    team = _unit("上海销售一组")
    with pytest.raises(Conflict) as exc:
        services.unit_delete(unit=team, actor=admin)
    assert exc.value.code == "unit_has_members"
    # deactivated employees do not hold the unit
    for user in User.objects.filter(unit=team):
        services.employee_set_active(user=user, active=False, actor=admin)
    services.unit_delete(unit=team, actor=admin)
    assert _unit("上海销售一组").is_deleted


def test_unit_restore_is_refused_while_the_parent_is_deleted(demo, admin):
    # given a deleted branch whose deleted child we try to restore
    branch = services.unit_create(
        name="苏州分公司", kind="branch", parent=_unit("华东化工有限公司"), actor=admin
    )
    child = services.unit_create(name="苏州一组", kind="team", parent=branch, actor=admin)
    services.unit_delete(unit=child, actor=admin)
    services.unit_delete(unit=branch, actor=admin)
    child = _unit("苏州一组")
    # when / then
    with pytest.raises(Conflict) as exc:
        services.unit_restore(unit=child, actor=admin)
    assert exc.value.code == "parent_deleted"
    assert _unit("苏州一组").is_deleted
    # restoring the parent first works
    services.unit_restore(unit=_unit("苏州分公司"), actor=admin)
    services.unit_restore(unit=_unit("苏州一组"), actor=admin)
    assert not _unit("苏州一组").is_deleted


def test_unit_restore_is_refused_when_the_name_was_taken_meanwhile(demo, admin):
    parent = _unit("华东化工有限公司")
    old = services.unit_create(name="苏州分公司", kind="branch", parent=parent, actor=admin)
    services.unit_delete(unit=old, actor=admin)
    services.unit_create(name="苏州分公司", kind="branch", parent=parent, actor=admin)
    with pytest.raises(Conflict) as exc:
        services.unit_restore(unit=OrgUnit.all_objects.get(pk=old.pk), actor=admin)
    assert exc.value.code == "name_taken"


# --- employees ---------------------------------------------------------------------------


def test_employee_create_hashes_the_password_sets_roles_and_history(demo, admin):
    user = services.employee_create(
        username="wang_wu",
        password=GOOD_PASSWORD,
        name="王五",
        unit=_unit("南京销售一组"),
        roles=[Role.objects.get(code="sales_rep")],
        actor=admin,
    )
    assert user.check_password(GOOD_PASSWORD)
    assert user.password != GOOD_PASSWORD
    assert list(user.roles.values_list("code", flat=True)) == ["sales_rep"]
    entry = history_for(user).get()
    assert (entry.action, entry.actor) == (AuditAction.CREATE, admin)


@pytest.mark.parametrize("password", ["123", "12345678", "password", "wang_wu_1"])
def test_employee_create_validates_the_password(demo, admin, password):
    with pytest.raises(ValidationFailed) as exc:
        services.employee_create(
            username="wang_wu_1",
            password=password,
            name="",
            unit=_unit("南京销售一组"),
            roles=[],
            actor=admin,
        )
    assert list(exc.value.fields) == ["password"]
    assert not User.objects.filter(username="wang_wu_1").exists()


@pytest.mark.parametrize("username", ["rep_east_1", "REP_EAST_1", " rep_east_1 "])
def test_employee_create_refuses_a_taken_username(demo, admin, username):
    count = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.employee_create(
            username=username,
            password=GOOD_PASSWORD,
            name="",
            unit=_unit("南京销售一组"),
            roles=[],
            actor=admin,
        )
    assert list(exc.value.fields) == ["username"]
    assert User.objects.count() == count


def test_employee_create_validates_the_email(demo, admin):
    with pytest.raises(ValidationFailed) as exc:
        services.employee_create(
            username="x1",
            password=GOOD_PASSWORD,
            name="",
            email="not-an-email",
            unit=_unit("南京销售一组"),
            roles=[],
            actor=admin,
        )
    assert "email" in exc.value.fields


def test_employee_update_changes_unit_and_roles_and_records_history(demo, admin, rep_east):
    # when
    updated = services.employee_update(
        user=rep_east,
        version=rep_east.version,
        actor=admin,
        name="陈晓明（主管）",
        unit=_unit("上海分公司"),
        roles=[Role.objects.get(code="sales_manager"), Role.objects.get(code="marketing")],
    )
    # then
    assert updated.version == rep_east.version + 1
    assert updated.unit == _unit("上海分公司")
    assert set(updated.roles.values_list("code", flat=True)) == {"sales_manager", "marketing"}
    entry = history_for(updated).get()
    assert entry.actor == admin
    assert entry.changes["name"]["old"] == "陈晓明"
    assert entry.changes["unit"] == {
        "label": entry.changes["unit"]["label"],
        "old": "上海销售一组",
        "new": "上海分公司",
    }
    assert entry.changes["roles"]["old"] == "销售人员"
    assert set(entry.changes["roles"]["new"].split(", ")) == {"销售部门主管", "市场"}


def test_employee_update_refuses_a_stale_version(demo, admin, rep_east):
    services.employee_update(user=rep_east, version=rep_east.version, actor=admin, name="甲")
    with pytest.raises(StaleVersion):
        services.employee_update(
            user=rep_east,
            version=rep_east.version,
            actor=admin,
            name="乙",
            roles=[Role.objects.get(code="admin")],
        )
    fresh = User.objects.get(pk=rep_east.pk)
    assert fresh.name == "甲"
    assert list(fresh.roles.values_list("code", flat=True)) == ["sales_rep"]


def test_employee_update_ignores_fields_it_does_not_own(demo, admin, rep_east):
    services.employee_update(
        user=rep_east, version=rep_east.version, actor=admin, is_superuser=True, username="root"
    )
    fresh = User.objects.get(pk=rep_east.pk)
    assert (fresh.is_superuser, fresh.username) == (False, "rep_east_1")


def test_employee_set_active_false_revokes_tokens_and_ends_sessions(
    demo, admin, rep_east, rep_east_2
):
    # given rep_east signed in on a browser and holding a token; a colleague signed in too
    Client().force_login(rep_east)
    Client().force_login(rep_east_2)
    _token, raw = token_issue(user=rep_east, name="erp")
    assert token_authenticate(raw) == rep_east

    def sessions_of(user):
        return [
            s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
        ]

    assert sessions_of(rep_east)
    # when
    services.employee_set_active(user=rep_east, active=False, actor=admin)
    # then
    assert token_authenticate(raw) is None
    assert ApiToken.objects.filter(user=rep_east, revoked_at__isnull=True).count() == 0
    assert sessions_of(rep_east) == []
    assert len(sessions_of(rep_east_2)) == 1
    entry = history_for(rep_east).get()
    assert entry.changes["is_active"]["old"] == "✓"
    assert entry.changes["is_active"]["new"] == "✗"


def test_reactivating_does_not_revive_revoked_tokens(demo, admin, rep_east):
    _token, raw = token_issue(user=rep_east)
    services.employee_set_active(user=rep_east, active=False, actor=admin)
    services.employee_set_active(user=rep_east, active=True, actor=admin)
    assert token_authenticate(raw) is None
    assert User.objects.get(pk=rep_east.pk).is_active


def test_employee_set_password_validates_and_records_without_the_value(demo, admin, rep_east):
    with pytest.raises(ValidationFailed):
        services.employee_set_password(user=rep_east, password="short", actor=admin)
    services.employee_set_password(user=rep_east, password=GOOD_PASSWORD, actor=admin)
    assert User.objects.get(pk=rep_east.pk).check_password(GOOD_PASSWORD)
    entry = history_for(rep_east).get()
    assert entry.changes["password"]["old"] == entry.changes["password"]["new"] == "***"


# --- roles -------------------------------------------------------------------------------


def test_role_update_changes_grants_and_records_history(demo, admin):
    role = Role.objects.get(code="general")
    # when
    services.role_update(
        role=role,
        version=role.version,
        actor=admin,
        name="普通用户",
        can_export=True,
        grants={"customers": {"can_view": True, "can_create": True, "scope": "unit"}},
    )
    # then
    grant = RolePermission.objects.get(role=role, module="customers")
    assert (grant.can_view, grant.can_create, grant.can_edit, grant.scope) == (
        True,
        True,
        False,
        "unit",
    )
    role.refresh_from_db()
    assert (role.name, role.can_export, role.version) == ("普通用户", True, 2)
    changes = {}
    for entry in history_for(role):
        changes.update(entry.changes)
    assert changes["name"]["old"] == "一般用户"
    assert changes["name"]["new"] == "普通用户"
    assert changes["grant:customers"]["old"] == "- · own"
    assert changes["grant:customers"]["new"] == "view/create · unit"


def test_role_update_refuses_a_stale_version_and_keeps_the_grants(demo, admin):
    role = Role.objects.get(code="sales_rep")
    services.role_update(role=role, version=role.version, actor=admin, name="销售")
    with pytest.raises(StaleVersion):
        services.role_update(
            role=role,
            version=role.version,
            actor=admin,
            grants={"org": {"can_view": True, "can_delete": True, "scope": "all"}},
        )
    grant = RolePermission.objects.get(role=role, module="org")
    assert (grant.can_delete, grant.scope) == (False, "unit")


def test_role_update_refuses_an_unknown_scope(demo, admin):
    role = Role.objects.get(code="general")
    with pytest.raises(ValidationFailed):
        services.role_update(
            role=role,
            version=role.version,
            actor=admin,
            grants={"org": {"can_view": True, "scope": "galaxy"}},
        )
    assert RolePermission.objects.get(role=role, module="org").scope == "own"


def test_role_create_refuses_a_taken_code_even_of_a_deleted_role(demo, admin):
    role = services.role_create(code="auditor", name="审计", actor=admin)
    services.role_delete(role=role, actor=admin)
    with pytest.raises(ValidationFailed) as exc:
        services.role_create(code="auditor", name="审计二", actor=admin)
    assert "code" in exc.value.fields


def test_role_delete_is_refused_while_active_employees_hold_it(demo, admin):
    role = Role.objects.get(code="sales_rep")
    with pytest.raises(Conflict) as exc:
        services.role_delete(role=role, actor=admin)
    assert exc.value.code == "role_in_use"
    assert Role.objects.filter(code="sales_rep").exists()


def test_role_delete_and_restore(demo, admin):
    role = services.role_create(code="temp", name="临时", actor=admin)
    services.role_delete(role=role, actor=admin)
    assert not Role.objects.filter(code="temp").exists()
    services.role_restore(role=Role.all_objects.get(code="temp"), actor=admin)
    assert Role.objects.filter(code="temp").exists()


# --- parameters --------------------------------------------------------------------------


def test_parameter_defaults_when_never_set(db):
    assert not SystemParameter.objects.exists()
    assert selectors.parameter_get("receivable_due_reminder_days") == 7
    assert selectors.parameter_get("contract_expiry_reminder_days") == 30
    assert selectors.parameter_get("amount_decimal_places") == 2
    assert selectors.parameter_get("quantity_decimal_places") == 3
    assert selectors.parameter_get("price_decimal_places") == 4
    assert selectors.parameter_get("default_currency") == "CNY"
    assert selectors.parameter_get("fiscal_year_start") == "01-01"
    # SYS-4's parameters; later modules add their own.
    assert set(PARAMETERS) >= {
        "receivable_due_reminder_days",
        "contract_expiry_reminder_days",
        "amount_decimal_places",
        "quantity_decimal_places",
        "price_decimal_places",
        "default_currency",
        "fiscal_year_start",
    }


@pytest.mark.parametrize(
    ("key", "raw", "stored", "typed"),
    [
        ("receivable_due_reminder_days", " 14 ", "14", 14),
        ("receivable_due_reminder_days", "0", "0", 0),
        ("contract_expiry_reminder_days", "365", "365", 365),
        ("amount_decimal_places", "4", "4", 4),
        ("default_currency", "usd", "USD", "USD"),
        ("fiscal_year_start", "04-01", "04-01", "04-01"),
        ("fiscal_year_start", "4-1", "04-01", "04-01"),
        ("fiscal_year_start", "02-29", "02-29", "02-29"),
    ],
)
def test_parameter_set_stores_a_valid_value(demo, admin, key, raw, stored, typed):
    row = services.parameter_set(key=key, value=raw, version=None, actor=admin)
    assert row.value == stored
    assert row.updated_by == admin
    assert selectors.parameter_get(key) == typed


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("receivable_due_reminder_days", "-1"),
        ("receivable_due_reminder_days", "999"),
        ("receivable_due_reminder_days", "abc"),
        ("receivable_due_reminder_days", "1.5"),
        ("receivable_due_reminder_days", ""),
        ("amount_decimal_places", "5"),
        ("default_currency", "XYZ"),
        ("default_currency", ""),
        ("fiscal_year_start", "13-40"),
        ("fiscal_year_start", "02-30"),
        ("fiscal_year_start", "abc"),
        ("fiscal_year_start", "x" * 201),
    ],
)
def test_parameter_set_refuses_bad_input_and_stores_nothing(demo, admin, key, raw):
    with pytest.raises(ValidationFailed) as exc:
        services.parameter_set(key=key, value=raw, version=None, actor=admin)
    assert list(exc.value.fields) == ["value"]
    assert exc.value.fields["value"][0]
    assert not SystemParameter.objects.filter(key=key).exists()
    assert selectors.parameter_get(key) == services.parse_value(key, PARAMETERS[key].default)


def test_parameter_set_refuses_an_unknown_key(demo, admin):
    with pytest.raises(ValidationFailed) as exc:
        services.parameter_set(key="nonsense", value="1", version=None, actor=admin)
    assert list(exc.value.fields) == ["key"]


def test_parameter_history_is_kept(demo, admin, leader):
    key = "contract_expiry_reminder_days"
    services.parameter_set(key=key, value="45", version=None, actor=admin)
    row = services.parameter_set(key=key, value="60", version=None, actor=leader)
    entries = list(history_for(row))
    assert [(e.changes["value"]["old"], e.changes["value"]["new"]) for e in entries] == [
        ("45", "60"),
        ("30", "45"),
    ]
    assert [e.actor for e in entries] == [leader, admin]


def test_parameter_set_to_the_same_value_writes_no_history(demo, admin):
    services.parameter_set(key="default_currency", value="USD", version=None, actor=admin)
    count = AuditEntry.objects.count()
    services.parameter_set(key="default_currency", value="usd", version=None, actor=admin)
    assert AuditEntry.objects.count() == count


def test_parameter_set_refuses_a_stale_version(demo, admin):
    row = services.parameter_set(key="default_currency", value="USD", version=None, actor=admin)
    services.parameter_set(key="default_currency", value="EUR", version=row.version, actor=admin)
    with pytest.raises(StaleVersion):
        services.parameter_set(
            key="default_currency", value="JPY", version=row.version, actor=admin
        )
    assert selectors.parameter_get("default_currency") == "EUR"


def test_parameter_first_set_with_version_zero_succeeds(demo, admin):
    # the page and the API show version 0 for a parameter never set; saving it must work
    row = services.parameter_set(key="default_currency", value="USD", version=0, actor=admin)
    assert selectors.parameter_get("default_currency") == "USD"
    # and the version the caller sees next is the one that guards the next save
    services.parameter_set(key="default_currency", value="EUR", version=row.version, actor=admin)
    with pytest.raises(StaleVersion):
        services.parameter_set(key="default_currency", value="JPY", version=0, actor=admin)


def test_deleted_unit_leaves_the_unit_scope_empty(demo, admin, rep_east):
    # a member of a deleted unit (deactivated first) sees no unit at all
    team = _unit("上海销售一组")
    for user in User.objects.filter(unit=team):
        services.employee_set_active(user=user, active=False, actor=admin)
    record_soft_delete(instance=team, actor=admin)
    assert not selectors.units_for_user(User.objects.get(pk=rep_east.pk)).exists()


def test_a_tree_too_deep_for_the_path_column_is_refused_cleanly(demo):
    # given a chain of units growing one level at a time
    parent = OrgUnit.objects.get(parent=None)
    with pytest.raises(ValidationFailed) as caught:
        for i in range(200):
            parent = services.unit_create(
                name=f"层级{i}", kind=UnitKind.TEAM, parent=parent, actor=None
            )
    # then the refusal names the parent field and the failed unit was not half-written
    assert "parent" in caught.value.fields
    assert not OrgUnit.all_objects.filter(parent=parent, name=f"层级{i}").exists()
    assert len(parent.path) <= 255
