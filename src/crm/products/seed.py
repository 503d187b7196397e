"""Default units of measure (seeded by a data migration, edited later by administrators)."""

from typing import Any

# (code, name): the code is what documents print after a quantity, the name what lists show.
DEFAULT_UNITS: list[tuple[str, str]] = [
    ("t", "吨"),
    ("kg", "千克"),
    ("m³", "立方米"),
    ("张", "张"),
    ("件", "件"),
    ("桶", "桶"),
    ("L", "升"),
]


def seed_units(model: Any) -> None:
    """Create the missing default units; existing ones (maybe renamed or retired) stay."""
    existing = set(model.objects.values_list("code", flat=True))
    model.objects.bulk_create(
        [
            model(code=code, name=name, sort_order=(i + 1) * 10)
            for i, (code, name) in enumerate(DEFAULT_UNITS)
            if code not in existing
        ]
    )
