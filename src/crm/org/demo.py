"""The demo organisation and users (`crm demo`). Running it twice changes nothing."""

import os
from typing import Any

from django.db import transaction

from .models import OrgUnit, Role, RolePermission, UnitKind, User
from .seed import seed_roles

DEFAULT_DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - documented demo password

# (key, name, kind, parent key)
UNITS = [
    ("group", "中化示范集团", UnitKind.GROUP, None),
    ("hq_it", "集团信息中心", UnitKind.OFFICE, "group"),
    ("call_centre", "客服中心", UnitKind.OFFICE, "group"),
    ("marketing", "市场部", UnitKind.OFFICE, "group"),
    ("finance", "财务部", UnitKind.OFFICE, "group"),
    ("east_co", "华东化工有限公司", UnitKind.COMPANY, "group"),
    ("east_sh", "上海分公司", UnitKind.BRANCH, "east_co"),
    ("east_sh_t1", "上海销售一组", UnitKind.TEAM, "east_sh"),
    ("east_nj", "南京分公司", UnitKind.BRANCH, "east_co"),
    ("east_nj_t1", "南京销售一组", UnitKind.TEAM, "east_nj"),
    ("west_co", "西南能源有限公司", UnitKind.COMPANY, "group"),
    ("west_cd", "成都分公司", UnitKind.BRANCH, "west_co"),
    ("west_cd_t1", "成都销售一组", UnitKind.TEAM, "west_cd"),
    ("west_cq", "重庆分公司", UnitKind.BRANCH, "west_co"),
    ("west_cq_ws", "重庆润滑油车间", UnitKind.WORKSHOP, "west_cq"),
]

# (username, name, unit key, role codes, superuser)
USERS = [
    ("admin", "系统管理员", "hq_it", ["admin"], True),
    ("leader", "王总", "group", ["leader"], False),
    ("mgr_east", "李经理", "east_sh", ["sales_manager"], False),
    ("mgr_west", "张经理", "west_cd", ["sales_manager"], False),
    ("rep_east_1", "陈晓明", "east_sh_t1", ["sales_rep"], False),
    ("rep_east_2", "刘芳", "east_sh_t1", ["sales_rep"], False),
    ("rep_west_1", "赵磊", "west_cd_t1", ["sales_rep"], False),
    ("agent", "孙丽", "call_centre", ["service_agent"], False),
    ("marketer", "周敏", "marketing", ["marketing"], False),
    ("finance", "吴会计", "finance", ["finance"], False),
]


def demo_password() -> str:
    return os.environ.get("CRM_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def _unit(name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    from .services import unit_create

    existing = OrgUnit.objects.filter(name=name, parent=parent).first()
    return existing or unit_create(name=name, kind=kind, parent=parent, actor=None)


@transaction.atomic
def load_demo(*, password: str | None = None) -> dict[str, Any]:
    seed_roles(Role, RolePermission)
    units: dict[str, OrgUnit] = {}
    for key, name, kind, parent in UNITS:
        units[key] = _unit(name, kind, units[parent] if parent else None)
    created = []
    pw = password or demo_password()
    for username, name, unit_key, role_codes, superuser in USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, name=name, unit=units[unit_key], is_superuser=superuser)
        user.is_staff = superuser
        user.set_password(pw)
        user.save()
        user.roles.set(Role.objects.filter(code__in=role_codes))
        created.append(username)
    return {"units": len(units), "users_created": created}
