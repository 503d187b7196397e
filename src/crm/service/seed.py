"""The default ticket types and categories (issue #6 SVC-1); administrators edit them after."""

from typing import Any

TYPES: list[tuple[str, str, list[str]]] = [
    ("inquiry", "咨询", ["产品咨询", "价格咨询", "订单查询"]),
    ("complaint", "投诉", ["产品质量", "交货延误", "服务态度"]),
    ("repair", "维修", ["设备故障", "安装调试"]),
    ("return", "退货", ["质量退货", "错发漏发"]),
    ("suggestion", "建议", ["产品建议", "服务建议"]),
]


def seed_types(type_model: Any, category_model: Any) -> int:
    """Create the missing default types (and their categories); never overwrite edits."""
    created = 0
    for order, (code, name, categories) in enumerate(TYPES):
        if type_model._default_manager.filter(code=code).exists():
            continue
        t = type_model._default_manager.create(code=code, name=name, order=order * 10)
        for i, cat in enumerate(categories):
            category_model._default_manager.create(type=t, name=cat, order=i * 10)
        created += 1
    return created
