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


# The 2026 public holidays and make-up working days (国务院办公厅 notice); administrators add
# each new year's from the next notice.
HOLIDAYS_2026 = [
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
]
WORKDAYS_2026 = [
    ("2026-01-04", "元旦调休"),
    ("2026-02-14", "春节调休"),
    ("2026-02-28", "春节调休"),
    ("2026-05-09", "劳动节调休"),
    ("2026-09-20", "国庆节调休"),
    ("2026-10-10", "国庆节调休"),
]
# (type code or None, priority or "", first response minutes, resolution minutes)
POLICIES: list[tuple[str | None, str, int, int]] = [
    (None, "", 8 * 60, 40 * 60),  # the fallback
    (None, "urgent", 60, 8 * 60),
    (None, "high", 2 * 60, 16 * 60),
    (None, "normal", 4 * 60, 24 * 60),
    (None, "low", 8 * 60, 40 * 60),
    ("complaint", "urgent", 30, 4 * 60),
    ("complaint", "high", 60, 8 * 60),
    ("complaint", "normal", 2 * 60, 16 * 60),
]


def seed_sla(calendar_model: Any, day_model: Any, policy_model: Any, type_model: Any) -> int:
    """The standard calendar (Mon–Fri 09:00–12:00, 13:00–18:00 Beijing time, 2026 holidays) and
    default policies, when there is no calendar yet; never overwrites an administrator's."""
    from datetime import date, timedelta

    if calendar_model._default_manager.exists():
        return 0
    day = [["09:00", "12:00"], ["13:00", "18:00"]]
    cal = calendar_model._default_manager.create(
        name="标准工作日历", tz="Asia/Shanghai", hours={str(d): day for d in range(5)}
    )
    rows = []
    for start, end, note in HOLIDAYS_2026:
        current, last = date.fromisoformat(start), date.fromisoformat(end)
        while current <= last:
            rows.append(day_model(calendar=cal, date=current, kind="holiday", note=note))
            current += timedelta(days=1)
    for when, note in WORKDAYS_2026:
        rows.append(
            day_model(calendar=cal, date=date.fromisoformat(when), kind="workday", note=note)
        )
    day_model._default_manager.bulk_create(rows)
    types = {t.code: t for t in type_model._default_manager.all()}
    for code, priority, first, resolution in POLICIES:
        if code is not None and code not in types:
            continue
        policy_model._default_manager.create(
            type=types.get(code) if code else None,
            priority=priority,
            calendar=cal,
            first_response_minutes=first,
            resolution_minutes=resolution,
        )
    return 1


REVISIT_DAYS = {"complaint": 3}  # SVC-5: every closed complaint is revisited


def seed_revisit_days(type_model: Any) -> int:
    """Set the default revisit lead time on types that have none yet."""
    done = 0
    for code, days in REVISIT_DAYS.items():
        done += type_model._default_manager.filter(code=code, revisit_days__isnull=True).update(
            revisit_days=days
        )
    return done
