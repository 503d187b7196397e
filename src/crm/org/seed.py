"""The seven roles of SYS-2, and finance (财务, added with order to cash), with their default
grants. Admins edit them afterwards."""

from typing import Any

# module -> (actions, scope); actions: v=view c=create e=edit d=delete x=export
_ALL = ("org", "system", "customers", "sales", "service", "marketing", "loyalty", "analytics")

ROLE_DEFAULTS: list[dict[str, Any]] = [
    {
        "code": "general",
        "name": "一般用户",
        "description": "一般用户：查看本人资料和记录。",
        "grants": {"org": ("v", "own")},
    },
    {
        "code": "admin",
        "name": "系统管理员",
        "description": "系统管理员：全部功能，包括系统设置。",
        "specials": ("sensitive", "export", "bulk_delete", "manage_system"),
        "grants": {m: ("vcedx", "all") for m in _ALL},
    },
    {
        "code": "sales_rep",
        "name": "销售人员",
        "description": "销售人员：本人的客户、线索和商机。",
        "grants": {
            "org": ("v", "unit"),
            "customers": ("vce", "own"),
            "sales": ("vce", "own"),
            "service": ("v", "own"),
            "loyalty": ("v", "own"),
        },
    },
    {
        "code": "sales_manager",
        "name": "销售部门主管",
        "description": "销售部门主管：本部门及下级部门的全部数据。",
        "specials": ("export",),
        "grants": {
            "org": ("v", "subtree"),
            "customers": ("vcedx", "subtree"),
            "sales": ("vcedx", "subtree"),
            "service": ("v", "subtree"),
            "loyalty": ("v", "subtree"),
            "analytics": ("vx", "subtree"),
        },
    },
    {
        "code": "leader",
        "name": "公司领导",
        "description": "公司领导：查看、导出全部数据，可见敏感字段。",
        "specials": ("sensitive", "export"),
        "grants": {m: ("vx", "all") for m in _ALL if m != "system"},
    },
    {
        "code": "service_agent",
        "name": "客服",
        "description": "客服/呼叫中心：处理工单，可查找全部客户。",
        "grants": {
            "org": ("v", "unit"),
            "customers": ("vce", "all"),
            "service": ("vce", "subtree"),
            "sales": ("v", "all"),
        },
    },
    {
        "code": "finance",
        "name": "财务",
        "description": "财务：查看全部订单；开票、收款、信用额度和对账单；应收账龄。",
        "specials": ("export",),
        # Invoices, payments, credit limits and commission months check the role itself
        # (crm.orders.selectors.is_finance) with the sales view right: no create/edit of
        # leads, quotes or orders, no shipping or returns.
        "grants": {
            "org": ("v", "unit"),
            "customers": ("v", "all"),
            "sales": ("vx", "all"),
            "analytics": ("vx", "all"),
        },
    },
    {
        "code": "marketing",
        "name": "市场",
        "description": "市场：面向全部客户的营销活动和客户细分。",
        "grants": {
            "org": ("v", "unit"),
            "customers": ("v", "all"),
            "marketing": ("vcedx", "all"),
            "loyalty": ("vce", "all"),
            "analytics": ("v", "all"),
        },
    },
]

_FLAG = {"v": "can_view", "c": "can_create", "e": "can_edit", "d": "can_delete", "x": "can_export"}
_SPECIAL = {
    "sensitive": "can_view_sensitive",
    "export": "can_export",
    "bulk_delete": "can_bulk_delete",
    "manage_system": "can_manage_system",
}


def seed_roles(role_model: Any, grant_model: Any) -> int:
    """Create the default roles that are missing; never overwrite an admin's edits.

    Takes the model classes so a data migration can pass its historical models.
    """
    created = 0
    for spec in ROLE_DEFAULTS:
        if role_model._default_manager.filter(code=spec["code"]).exists():
            continue
        role = role_model._default_manager.create(
            code=spec["code"],
            name=spec["name"],
            description=spec["description"],
            **{_SPECIAL[s]: True for s in spec.get("specials", ())},
        )
        for module, (actions, scope) in spec["grants"].items():
            grant_model._default_manager.create(
                role=role, module=module, scope=scope, **{_FLAG[a]: True for a in actions}
            )
        created += 1
    return created
