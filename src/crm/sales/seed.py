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
