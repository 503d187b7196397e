"""The starting skills and equipment types; administrators edit them afterwards."""

from typing import Any

# (skill, equipment types that need it)
SKILLS: list[tuple[str, list[str]]] = [
    ("催化剂", ["反应器", "裂化装置"]),
    ("润滑", ["压缩机", "齿轮箱"]),
    ("设备检修", ["泵", "换热器"]),
]


def seed_skills(skill_model: Any, type_model: Any) -> None:
    """Create the missing ones; never overwrite an administrator's edits. Takes the model
    classes so a data migration can pass its historical models."""
    for order, (name, types) in enumerate(SKILLS, start=1):
        skill, _ = skill_model._default_manager.get_or_create(name=name, defaults={"order": order})
        for n, type_name in enumerate(types, start=1):
            type_model._default_manager.get_or_create(
                name=type_name, defaults={"skill": skill, "order": order * 10 + n}
            )
