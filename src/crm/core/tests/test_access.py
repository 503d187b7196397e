"""The one data-scope rule: get_access / scope_q / scoped / require / get_in_scope."""

import pytest
from django.db.models import Q

from crm.core.access import (
    Q_NONE,
    get_access,
    get_in_scope,
    require,
    scope_q,
    scope_unit_ids,
    scoped,
    scoped_by_unit_ids,
)
from crm.core.errors import Forbidden, NotFound
from crm.core.modules import Action, Module, Scope, Special
from crm.core.services import record_soft_delete
from crm.org import services
from crm.org.models import OrgUnit, Role, RolePermission, User

pytestmark = pytest.mark.usefixtures("demo_once")


def _fresh(user):
    """The user as the next request loads it (no cached grants)."""
    return User.objects.get(pk=user.pk)


def _role(code, grants, **specials):
    role = Role.objects.create(code=code, name=code, **specials)
    for module, (flags, scope) in grants.items():
        RolePermission.objects.create(
            role=role,
            module=module,
            scope=scope,
            can_view="v" in flags,
            can_create="c" in flags,
            can_edit="e" in flags,
            can_delete="d" in flags,
            can_export="x" in flags,
        )
    return role


def _units(user):
    qs = scoped(OrgUnit.objects.all(), user, Module.ORG, owner_field=None, unit_field="")
    return set(qs.values_list("name", flat=True))


def _employees(user):
    qs = scoped(User.objects.all(), user, Module.ORG, owner_field="pk", unit_field="unit")
    return set(qs.values_list("username", flat=True))


def test_own_scope_sees_only_the_users_own_records(demo):
    # given an employee whose only role is 一般用户 (org: view, own)
    user = User.objects.create(username="g1", unit=OrgUnit.objects.get(name="上海销售一组"))
    user.roles.set([Role.objects.get(code="general")])
    user = _fresh(user)
    # when / then: owned records are the user's own; unit-only models fall back to the unit
    assert get_access(user).scope(Module.ORG) == Scope.OWN
    assert _employees(user) == {"g1"}
    assert _units(user) == {"上海销售一组"}


def test_unit_scope_sees_the_users_unit_only(rep_east):
    assert get_access(rep_east).scope(Module.ORG) == Scope.UNIT
    assert _units(rep_east) == {"上海销售一组"}
    assert _employees(rep_east) == {"rep_east_1", "rep_east_2"}


def test_subtree_scope_sees_the_unit_and_everything_below(mgr_east):
    assert get_access(mgr_east).scope(Module.ORG) == Scope.SUBTREE
    assert _units(mgr_east) == {"上海分公司", "上海销售一组"}
    assert _employees(mgr_east) == {"mgr_east", "rep_east_1", "rep_east_2"}


def test_all_scope_sees_everything(leader):
    assert get_access(leader).scope(Module.ORG) == Scope.ALL
    assert scope_q(leader, Module.ORG) == Q()
    assert _units(leader) == set(OrgUnit.objects.values_list("name", flat=True))


def test_no_view_grant_means_no_records(rep_east):
    # sales_rep has no marketing grant at all
    assert get_access(rep_east).scope(Module.MARKETING) is None
    assert scope_q(rep_east, Module.MARKETING) == Q_NONE
    assert not scoped(OrgUnit.objects.all(), rep_east, Module.MARKETING, unit_field="").exists()


def test_grant_without_view_gives_no_scope(demo, rep_east):
    # given a role that may "create" in marketing but not view
    rep_east.roles.add(_role("blind", {"marketing": ("c", "all")}))
    user = _fresh(rep_east)
    assert get_access(user).can(Module.MARKETING, Action.CREATE)
    assert get_access(user).scope(Module.MARKETING) is None


def test_model_without_unit_field_is_visible_only_with_all_scope(mgr_east, leader):
    qs = OrgUnit.objects.all()
    assert not scoped(qs, mgr_east, Module.ORG, owner_field=None, unit_field=None).exists()
    assert scoped(qs, leader, Module.ORG, owner_field=None, unit_field=None).count() == qs.count()


def test_several_roles_give_the_widest_scope_and_the_union_of_actions(demo, rep_east):
    # given sales_rep (org: view/unit; customers: vce/own) plus a role with customers: x/subtree
    # and org: create/own
    extra = _role("extra", {"customers": ("vx", "subtree"), "org": ("vc", "own")})
    rep_east.roles.add(extra)
    access = get_access(_fresh(rep_east))
    # then
    assert access.scope(Module.CUSTOMERS) == Scope.SUBTREE
    assert access.modules[Module.CUSTOMERS].actions == {"view", "create", "edit", "export"}
    assert access.scope(Module.ORG) == Scope.UNIT  # the wider of unit and own
    assert access.modules[Module.ORG].actions == {"view", "create"}


def test_specials_are_the_union_over_roles(demo, rep_east):
    assert not get_access(rep_east).has(Special.EXPORT)
    rep_east.roles.add(_role("exporter", {}, can_export=True))
    access = get_access(_fresh(rep_east))
    assert access.has(Special.EXPORT)
    assert not access.has(Special.MANAGE_SYSTEM)


def test_grants_and_specials_of_every_role_load_in_one_query(
    demo, rep_east, django_assert_num_queries
):
    # given three roles: two with grants, one with only a special permission
    rep_east.roles.add(_role("extra", {"customers": ("vx", "subtree")}))
    rep_east.roles.add(_role("exporter", {}, can_export=True))
    user = _fresh(rep_east)
    with django_assert_num_queries(1):
        access = get_access(user)
    assert access.scope(Module.CUSTOMERS) == Scope.SUBTREE
    assert access.can(Module.CUSTOMERS, Action.CREATE)  # from sales_rep
    assert access.can(Module.ORG, Action.VIEW)
    assert access.has(Special.EXPORT)


def test_a_deleted_role_grants_nothing(demo, rep_east):
    # given a wide role, then soft-deleted
    wide = _role("wide", {"org": ("vcedx", "all")}, can_manage_system=True)
    rep_east.roles.add(wide)
    assert get_access(_fresh(rep_east)).scope(Module.ORG) == Scope.ALL
    record_soft_delete(instance=wide, actor=None)
    # then the next load of the user ignores it
    access = get_access(_fresh(rep_east))
    assert access.scope(Module.ORG) == Scope.UNIT
    assert not access.can(Module.ORG, Action.EDIT)
    assert not access.has(Special.MANAGE_SYSTEM)


def test_superuser_gets_everything_without_roles(demo):
    boss = User.objects.create(username="root2", is_superuser=True)
    access = get_access(_fresh(boss))
    for module in Module:
        assert access.scope(module) == Scope.ALL
        assert access.can(module, Action.DELETE)
    assert access.specials == {s.value for s in Special}


def test_inactive_user_gets_nothing(demo, leader):
    User.objects.filter(pk=leader.pk).update(is_active=False)
    user = _fresh(leader)
    assert get_access(user).modules == {}
    assert _units(user) == set()


def test_unit_scope_without_a_unit_or_with_a_deleted_unit_sees_nothing(demo, rep_east):
    User.objects.filter(pk=rep_east.pk).update(unit=None)
    assert _units(_fresh(rep_east)) == set()
    unit = OrgUnit.objects.get(name="上海销售一组")
    User.objects.filter(pk=rep_east.pk).update(unit=unit)
    OrgUnit.objects.filter(pk=unit.pk).update(is_deleted=True)
    assert _employees(_fresh(rep_east)) == set()


def test_require_no_view_is_not_found_view_without_action_is_forbidden(rep_east, admin):
    with pytest.raises(NotFound):
        require(rep_east, Module.MARKETING, Action.VIEW)
    with pytest.raises(Forbidden):
        require(rep_east, Module.ORG, Action.EDIT)
    require(rep_east, Module.ORG, Action.VIEW)
    require(admin, Module.ORG, Action.DELETE)


def test_get_in_scope_treats_missing_foreign_and_malformed_ids_alike(demo, rep_east):
    qs = scoped(OrgUnit.objects.all(), rep_east, Module.ORG, owner_field=None, unit_field="")
    own = OrgUnit.objects.get(name="上海销售一组")
    west = OrgUnit.objects.get(name="成都分公司")
    assert get_in_scope(qs, str(own.pk)) == own
    for pk in (west.pk, 999_999, "abc", None):
        with pytest.raises(NotFound):
            get_in_scope(qs, pk)


def test_grants_are_cached_on_the_user_object_only(demo, rep_east):
    # the cache lives on the loaded object: the same object keeps the old answer
    get_access(rep_east)
    rep_east.roles.add(Role.objects.get(code="admin"))
    assert not get_access(rep_east).has(Special.MANAGE_SYSTEM)
    assert get_access(_fresh(rep_east)).has(Special.MANAGE_SYSTEM)


def test_a_change_of_unit_takes_effect_on_the_next_api_request(
    demo, api_client, rep_east, rep_west
):
    # given rep_east holding a token, who cannot see a west employee
    client = api_client(rep_east)
    assert client.get(f"/api/v1/employees/{rep_west.pk}").status_code == 404
    # when an administrator moves rep_east to the west team
    services.employee_update(
        user=rep_east,
        version=rep_east.version,
        actor=None,
        unit=OrgUnit.objects.get(name="成都销售一组"),
    )
    # then the very next request with the same token sees the west and not the east
    assert client.get(f"/api/v1/employees/{rep_west.pk}").status_code == 200
    rep_east_2 = User.objects.get(username="rep_east_2")
    assert client.get(f"/api/v1/employees/{rep_east_2.pk}").status_code == 404
    assert client.get("/api/v1/me").json()["unit"]["name"] == "成都销售一组"


def test_a_change_of_roles_takes_effect_on_the_next_api_request(demo, api_client, rep_east):
    client = api_client(rep_east)
    assert client.get("/api/v1/roles").status_code == 403
    assert client.get("/api/v1/me").json()["modules"]["org"]["scope"] == "unit"
    # when an administrator makes rep_east a system administrator
    services.employee_update(
        user=rep_east,
        version=rep_east.version,
        actor=None,
        roles=[Role.objects.get(code="admin")],
    )
    # then
    assert client.get("/api/v1/roles").status_code == 200
    me = client.get("/api/v1/me").json()
    assert me["modules"]["org"] == {
        "actions": ["create", "delete", "edit", "export", "view"],
        "scope": "all",
    }
    assert "manage_system" in me["specials"]


def test_scoped_by_unit_ids_gives_the_rows_of_scoped_as_an_id_list(
    demo, rep_east, mgr_east, leader
):
    # given a deleted sub-unit holding an employee: scoped() joins the unit without
    # looking at its deletion, so the id list must include it too
    east = OrgUnit.objects.get(name="上海分公司")
    gone = services.unit_create(name="已撤销组", kind="team", parent=east, actor=leader)
    User.objects.create(username="in_gone", unit=gone)
    OrgUnit.objects.filter(pk=gone.pk).update(is_deleted=True)
    own = User.objects.create(username="g2", unit=OrgUnit.objects.get(name="上海销售一组"))
    own.roles.set([Role.objects.get(code="general")])
    for user in (_fresh(own), _fresh(rep_east), _fresh(mgr_east), _fresh(leader)):
        expected = scoped(User.objects.all(), user, Module.ORG, owner_field="pk", unit_field="unit")
        got = scoped_by_unit_ids(
            User.objects.all(), user, Module.ORG, owner_field="pk", unit_field="unit"
        )
        assert set(got) == set(expected), user.username
    # a unit-scoped reader's filter is a list of ids (no join on the unit's path)
    manager = _fresh(mgr_east)
    ids = scope_unit_ids(manager, Module.ORG)
    assert ids is not None
    assert set(ids) == set(
        OrgUnit.all_objects.filter(path__startswith=east.path).values_list("pk", flat=True)
    )
    sql = str(scoped_by_unit_ids(User.objects.all(), manager, Module.ORG, unit_field="unit").query)
    assert "org_orgunit" not in sql
    assert scope_unit_ids(_fresh(leader), Module.ORG) is None
    assert scope_unit_ids(_fresh(own), Module.ORG) is None
