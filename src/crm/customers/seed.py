"""Default entries of the admin-editable lists (seeded by a data migration, edited later)."""

from typing import Any

DEFAULT_CHOICES: dict[str, list[str]] = {
    "industry": [
        "石油化工",
        "化学原料及化学制品",
        "能源电力",
        "机械制造",
        "汽车及零部件",
        "建筑建材",
        "交通运输与物流",
        "批发零售",
        "农林牧渔",
        "食品饮料",
        "医药卫生",
        "电子信息",
        "金融保险",
        "政府及公共事业",
        "其他",
    ],
    "rating": ["A 类（重点客户）", "B 类（一般客户）", "C 类（潜力客户）", "D 类（低价值客户）"],
    "credit_level": ["AAA", "AA", "A", "BBB", "BB", "B", "C"],
    "nature": [
        "国有企业",
        "民营企业",
        "外资企业",
        "中外合资企业",
        "集体企业",
        "事业单位",
        "政府机关",
        "个体工商户",
        "其他",
    ],
    "size": ["大型企业", "中型企业", "小型企业", "微型企业"],
    "source": ["老客户推荐", "展会", "官网", "电话营销", "广告", "招投标", "合作伙伴", "其他"],
    "region": ["华北", "东北", "华东", "华中", "华南", "西南", "西北", "港澳台", "海外"],
}


def seed_choices(choice_model: Any) -> int:
    """Create missing default entries; never touch an administrator's edits."""
    created = 0
    for kind, labels in DEFAULT_CHOICES.items():
        for i, label in enumerate(labels):
            _obj, new = choice_model._default_manager.get_or_create(
                kind=kind, label=label, defaults={"sort_order": (i + 1) * 10}
            )
            created += int(new)
    return created
