"""The categories a new installation starts with; a system manager edits them afterwards."""

from typing import Any

DEFAULT_CATEGORIES = [
    "故障排除",
    "使用与保养",
    "储存与运输",
    "安全与环保",
    "选型与替代",
    "售后政策",
]


def seed_categories(category_model: Any) -> None:
    """Idempotent: existing names are kept as they are."""
    for order, name in enumerate(DEFAULT_CATEGORIES):
        category_model.objects.get_or_create(name=name, defaults={"order": order * 10})
