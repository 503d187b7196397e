"""The default seven-step sales process (seeded by a data migration, edited later per unit)."""

from typing import Any

# (name, default probability %, won, lost, forecast category)
DEFAULT_STAGES: list[tuple[str, int, bool, bool, str]] = [
    ("初步接触", 10, False, False, "pipeline"),
    ("需求确认", 20, False, False, "pipeline"),
    ("方案/报价", 40, False, False, "best_case"),
    ("商务谈判", 60, False, False, "best_case"),
    ("合同签订", 80, False, False, "commit"),
    ("赢单", 100, True, False, "closed"),
    ("输单", 0, False, True, "omitted"),
]


def seed_stages(stage_model: Any) -> int:
    """Create the default set (business_unit null) unless it exists; never touch edits."""
    manager = stage_model._default_manager
    if manager.filter(business_unit__isnull=True).exists():
        return 0
    manager.bulk_create(
        stage_model(
            business_unit=None,
            name=name,
            order=(i + 1) * 10,
            probability=probability,
            is_won=won,
            is_lost=lost,
            forecast_category=category,
        )
        for i, (name, probability, won, lost, category) in enumerate(DEFAULT_STAGES)
    )
    return len(DEFAULT_STAGES)


# (name, kind, condition, threshold, approver role code)
DEFAULT_APPROVAL_RULES: list[tuple[str, str, str, str, str]] = [
    ("报价折扣超过15%需主管审批", "quote", "discount_above", "15", "sales_manager"),
    ("订单超出信用额度需主管审批", "order", "credit_exceeded", "0", "sales_manager"),
]


def seed_approval_rules(rule_model: Any, role_model: Any) -> int:
    """Create the default approval rules unless any rule exists (admins edit them later)."""
    manager = rule_model._default_manager
    if manager.exists():
        return 0
    roles = {r.code: r for r in role_model._default_manager.all()}
    rows = [
        rule_model(
            name=name,
            kind=kind,
            condition=condition,
            threshold=threshold,
            approver_kind="manager",
            approver_role=roles[role_code],
            sort_order=(i + 1) * 10,
        )
        for i, (name, kind, condition, threshold, role_code) in enumerate(DEFAULT_APPROVAL_RULES)
        if role_code in roles
    ]
    manager.bulk_create(rows)
    return len(rows)
