"""Demo catalogue (`crm demo`): brands and series of a chemical/energy group and of panel
makers, ~60 products with realistic specifications and units, two price lists (by customer
rating, by region) and customer prices for some demo customers.

Idempotent: brands, series, products and price lists are found by name/code before they are
made; customer prices are topped up to about one for every 20 customers (at most 2,000).
Seed data is written through the services (history included) except customer prices, which go
in as one bulk insert.
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.customers.models import Choice, ChoiceKind, Customer

from . import services, services_prices
from .models import Brand, CustomerPrice, PriceList, PriceListItem, Product, Series, UnitOfMeasure
from .seed import seed_units

# brand → series → [(code, name, specification, unit code, list price)]
CATALOGUE: dict[str, dict[str, list[tuple[str, str, str, str, str]]]] = {
    "万华": {
        "聚氨酯": [
            ("WH-MDI-100", "纯MDI", "MDI-100，250 kg/桶", "桶", "4850"),
            ("WH-PM-200", "聚合MDI", "PM-200，250 kg/桶", "桶", "4200"),
            ("WH-TDI-80", "甲苯二异氰酸酯", "TDI-80/20，250 kg/桶", "桶", "3900"),
            ("WH-PPG-2000", "聚醚多元醇", "分子量 2000，210 kg/桶", "桶", "2650"),
            ("WH-MDI-T", "纯MDI（吨包）", "MDI-100，槽车散装", "t", "18500"),
        ],
        "石化": [
            ("WH-PO-99", "环氧丙烷", "纯度 ≥99.9%", "t", "9200"),
            ("WH-AA-99", "丙烯酸", "纯度 ≥99.5%", "t", "6800"),
            ("WH-MMA-99", "甲基丙烯酸甲酯", "MMA，纯度 ≥99.8%", "t", "11500"),
        ],
    },
    "中石化长城": {
        "车用润滑油": [
            ("GW-SN-5W30-4L", "长城金吉星 SN 全合成机油", "5W-30，4 L/桶", "桶", "268"),
            ("GW-SN-5W40-4L", "长城金吉星 SN 全合成机油", "5W-40，4 L/桶", "桶", "288"),
            ("GW-CK4-15W40-18L", "长城尊龙 CK-4 柴机油", "15W-40，18 L/桶", "桶", "698"),
            ("GW-ATF-4L", "长城自动变速箱油", "ATF III，4 L/桶", "桶", "158"),
        ],
        "工业润滑油": [
            ("GW-L-HM46-200L", "长城抗磨液压油", "L-HM 46，200 L/桶", "桶", "3150"),
            ("GW-L-HM68-200L", "长城抗磨液压油", "L-HM 68，200 L/桶", "桶", "3200"),
            ("GW-CKD220-200L", "长城重负荷工业齿轮油", "L-CKD 220，200 L/桶", "桶", "4100"),
            ("GW-TSA32-200L", "长城汽轮机油", "L-TSA 32，200 L/桶", "桶", "3600"),
            ("GW-L-HM46-BULK", "长城抗磨液压油（散装）", "L-HM 46，槽车", "t", "13800"),
        ],
        "润滑脂": [
            ("GW-MP3-15KG", "长城通用锂基润滑脂", "3 号，15 kg/桶", "桶", "420"),
            ("GW-EP2-15KG", "长城极压锂基润滑脂", "00 号/2 号，15 kg/桶", "桶", "460"),
            ("GW-HP-1KG", "长城高温润滑脂", "1 kg/罐", "件", "96"),
        ],
    },
    "昆仑": {
        "车用润滑油": [
            ("KL-SP-0W20-4L", "昆仑天润 SP 全合成机油", "0W-20，4 L/桶", "桶", "298"),
            ("KL-CI4-15W40-18L", "昆仑天威 CI-4 柴机油", "15W-40，18 L/桶", "桶", "640"),
            ("KL-GL5-85W90-4L", "昆仑重负荷车辆齿轮油", "GL-5 85W-90，4 L/桶", "桶", "138"),
        ],
        "燃料油": [
            ("KL-0D-T", "0# 车用柴油", "国 VI 标准", "t", "7650"),
            ("KL-92-T", "92# 车用汽油", "国 VI B 标准", "t", "8900"),
            ("KL-LNG-T", "液化天然气", "LNG，槽车", "t", "5200"),
            ("KL-0D-L", "0# 车用柴油（零售）", "国 VI 标准", "L", "7.62"),
        ],
        "化工": [
            ("KL-PE-7042", "线性低密度聚乙烯", "LLDPE 7042，25 kg/袋", "t", "8300"),
            ("KL-PP-T30S", "聚丙烯拉丝料", "PP T30S，25 kg/袋", "t", "7600"),
            ("KL-MEG-T", "乙二醇", "MEG 聚酯级", "t", "4450"),
            ("KL-SOL-200L", "200# 溶剂油", "200 L/桶", "桶", "1280"),
        ],
    },
    "中化": {
        "化肥": [
            ("ZH-NPK-151515", "中化复合肥", "N-P-K 15-15-15，50 kg/袋", "t", "2980"),
            ("ZH-UREA-46", "尿素", "总氮 ≥46.0%，50 kg/袋", "t", "2350"),
            ("ZH-DAP-64", "磷酸二铵", "64%，50 kg/袋", "t", "3780"),
        ],
        "精细化工": [
            ("ZH-TIO2-R996", "钛白粉", "金红石型 R-996，25 kg/袋", "t", "15800"),
            ("ZH-EPOXY-128", "环氧树脂", "E-51（128），220 kg/桶", "桶", "3960"),
            ("ZH-DMF-T", "N,N-二甲基甲酰胺", "DMF，纯度 ≥99.9%", "t", "5100"),
            ("ZH-GAS-40L", "工业氮气", "40 L 钢瓶，≥99.999%", "件", "45"),
        ],
    },
    "大亚": {
        "人造板": [
            ("DY-MDF-18E1", "中密度纤维板", "1220×2440×18 mm，E1", "张", "98"),
            ("DY-MDF-15E0", "中密度纤维板", "1220×2440×15 mm，E0", "张", "92"),
            ("DY-HDF-8", "高密度纤维板", "1220×2440×8 mm，E1", "张", "68"),
            ("DY-MDF-M3", "中密度纤维板（计方）", "18 mm，E1", "m³", "2380"),
        ],
        "地板": [
            ("DY-FL-12-OAK", "圣象强化复合地板", "1218×198×12 mm，橡木纹", "件", "168"),
            ("DY-FL-8-AC4", "强化复合地板", "1218×168×8 mm，AC4", "件", "96"),
            ("DY-FL-15-ML", "多层实木复合地板", "910×125×15 mm，枫木", "件", "265"),
        ],
    },
    "丰林": {
        "刨花板": [
            ("FL-PB-18E0", "刨花板", "1220×2440×18 mm，E0", "张", "86"),
            ("FL-PB-25E1", "刨花板", "1220×2440×25 mm，E1", "张", "112"),
            ("FL-OSB-12", "定向刨花板 OSB", "1220×2440×12 mm", "张", "105"),
            ("FL-PB-M3", "刨花板（计方）", "18 mm，E0", "m³", "1980"),
        ],
        "纤维板": [
            ("FL-MDF-18-ENF", "无醛添加纤维板", "1220×2440×18 mm，ENF", "张", "128"),
            ("FL-MDF-9E1", "中密度纤维板", "1220×2440×9 mm，E1", "张", "62"),
            ("FL-MDF-MR", "防潮纤维板", "1220×2440×18 mm，E1，绿芯", "张", "118"),
        ],
        "饰面板": [
            ("FL-MEL-18-WH", "三聚氰胺饰面板", "1220×2440×18 mm，暖白", "张", "138"),
            ("FL-MEL-18-WN", "三聚氰胺饰面板", "1220×2440×18 mm，胡桃木纹", "张", "145"),
            ("FL-VEN-3", "木皮饰面板", "1220×2440×3 mm，白橡", "张", "76"),
        ],
    },
    "巴斯夫": {
        "涂料助剂": [
            ("BASF-DISP-4010", "分散剂", "Dispex Ultra 4010，25 kg/桶", "桶", "1850"),
            ("BASF-ACR-50", "丙烯酸乳液", "Acronal，1 t/吨箱", "t", "14200"),
            ("BASF-UV-1130", "紫外线吸收剂", "Tinuvin 1130，25 kg/桶", "桶", "4650"),
        ],
    },
}
# Some products are no longer sold (the catalogue keeps them for old orders).
RETIRED = {"GW-ATF-4L", "DY-FL-8-AC4"}

# (name, rating label, region label, discount %, valid days back)
PRICE_LISTS = [
    ("2026 年 A 类客户价", "A 类（重点客户）", None, Decimal("0.92"), 90),
    ("2026 年西南区域价", None, "西南", Decimal("0.95"), 60),
]


def _unit(code: str) -> UnitOfMeasure:
    return UnitOfMeasure.objects.get(code=code)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def load_products(customers: int = 200, *, seed: int = 2026) -> dict[str, int]:
    """Create what is missing of the demo catalogue; returns how many rows were created."""
    counts = {"brands": 0, "series": 0, "products": 0, "price_lists": 0, "customer_prices": 0}
    with transaction.atomic():
        seed_units(UnitOfMeasure)
        products: dict[str, Product] = {p.code: p for p in Product.all_objects.all()}
        for b_order, (brand_name, series_map) in enumerate(CATALOGUE.items()):
            brand = Brand.objects.filter(name=brand_name).first()
            if brand is None:
                brand = services.brand_create(actor=None, name=brand_name, sort_order=b_order)
                counts["brands"] += 1
            for s_order, (series_name, rows) in enumerate(series_map.items()):
                series = Series.objects.filter(brand=brand, name=series_name).first()
                if series is None:
                    series = services.series_create(
                        actor=None, brand=brand, name=series_name, sort_order=s_order
                    )
                    counts["series"] += 1
                for code, name, spec, unit, price in rows:
                    if code in products:
                        continue
                    products[code] = services.product_create(
                        actor=None,
                        code=code,
                        name=name,
                        unit=_unit(unit),
                        brand=brand,
                        series=series,
                        specification=spec,
                        list_price=Decimal(price),
                        active=code not in RETIRED,
                    )
                    counts["products"] += 1
        live = [p for p in products.values() if not p.is_deleted and p.active]
        today = timezone.localdate()
        rng = random.Random(seed)
        for name, rating, region, factor, days in PRICE_LISTS:
            if PriceList.all_objects.filter(name=name).exists():
                continue
            pl = services_prices.price_list_create(
                actor=None,
                name=name,
                valid_from=today - timedelta(days=days),
                valid_to=date(today.year, 12, 31),
                rating=Choice.objects.filter(kind=ChoiceKind.RATING, label=rating).first()
                if rating
                else None,
                region=Choice.objects.filter(kind=ChoiceKind.REGION, label=region).first()
                if region
                else None,
            )
            counts["price_lists"] += 1
            PriceListItem.objects.bulk_create(
                [
                    PriceListItem(price_list=pl, product=p, price=_money(p.list_price * factor))
                    for p in live
                    if rng.random() < 0.7
                ]
            )
        counts["customer_prices"] = _customer_prices(customers, live, rng, today)
    return counts


def _customer_prices(n_customers: int, products: list[Any], rng: random.Random, today: date) -> int:
    """Top the demo's customer prices up to one for every 20 customers (at most 2,000)."""
    want = min(2000, max(0, n_customers) // 20)
    have = CustomerPrice.all_objects.count()
    if want <= have or not products:
        return 0
    customer_ids = list(
        Customer.objects.order_by("id").values_list("id", flat=True)[: max(want * 2, 1)]
    )
    if not customer_ids:
        return 0
    rows = []
    for _i in range(want - have):
        product = rng.choice(products)
        start = today - timedelta(days=rng.randint(0, 180))
        rows.append(
            CustomerPrice(
                customer_id=rng.choice(customer_ids),
                product=product,
                price=_money(product.list_price * Decimal(rng.choice(["0.85", "0.88", "0.9"]))),
                valid_from=start,
                valid_to=None if rng.random() < 0.5 else start + timedelta(days=365),
                notes="年度框架协议",
            )
        )
    CustomerPrice.objects.bulk_create(rows, batch_size=500)
    return len(rows)
