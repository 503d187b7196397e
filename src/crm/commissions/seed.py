"""Default commission rules: a rate per selling role. Admins edit them afterwards."""

from datetime import date
from decimal import Decimal
from typing import Any

DEFAULT_RULES = [
    ("销售人员提成", "sales_rep", Decimal("1")),
    ("销售主管个人业绩提成", "sales_manager", Decimal("0.5")),
]


def seed_rules(rule_model: Any, role_model: Any) -> int:
    """Create the default rules when there is no rule at all (never over an admin's edits).

    Takes the model classes so a data migration can pass its historical models."""
    if rule_model._base_manager.exists():
        return 0
    created = 0
    for name, code, rate in DEFAULT_RULES:
        role = role_model._base_manager.filter(code=code).first()
        if role is None:
            continue
        rule_model._base_manager.create(
            name=name, role=role, kind="rate", rate=rate, valid_from=date(2000, 1, 1)
        )
        created += 1
    return created
