"""Product import in the browser: a CSV with one bad row is checked and refused with the row,
the column and the reason in Chinese, nothing written; the fixed file is previewed, imported
and the products are listed."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e

HEADER = "编码,名称,品牌,规格,计量单位,目录价,在售"
GOOD = [
    "E2E-IMP-1,浏览器导入聚醚,,200 kg/桶,桶,3900,是",
    "E2E-IMP-2,浏览器导入纯MDI,,,t,18500.5,是",
]


@pytest.fixture(autouse=True)
def _units(e2e_demo: Any) -> None:
    # Browser tests truncate every table between tests, the migration's units included.
    from crm.products.models import UnitOfMeasure
    from crm.products.seed import seed_units

    seed_units(UnitOfMeasure)


def _file(rows: list[str]) -> dict[str, object]:
    data = ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8-sig")
    return {"name": "products.csv", "mimeType": "text/csv", "buffer": data}


def test_import_with_a_bad_row_then_fixed(page: Page) -> None:
    from crm.products.models import Product

    sign_in(page, "admin")
    page.goto("/products/")
    page.click("#import-open")
    # row 3 (the second data row): a unit that does not exist and a price that is no number
    bad = [GOOD[0], "E2E-IMP-2,浏览器导入纯MDI,,,箱子,十八元,是"]
    page.set_input_files("#id_file", _file(bad))  # type: ignore[arg-type]
    page.click("#import-upload")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    # each error: row, column, value, reason
    unit_error = errors.filter(has_text="计量单位").locator("td")
    expect(unit_error).to_have_text(["3", "计量单位", "箱子", "“箱子”不是计量单位。"])
    price_error = errors.filter(has_text="目录价").locator("td")
    expect(price_error.nth(0)).to_have_text("3")
    expect(price_error.nth(2)).to_have_text("十八元")
    expect(price_error.nth(3)).to_contain_text("请输入大于零的价格")
    expect(page.locator("#import-has-errors")).to_contain_text("必须修正所有错误后才能导入")
    expect(page.locator("#import-commit")).to_have_count(0)
    assert not Product.objects.filter(code__startswith="E2E-IMP").exists()

    # the fixed file: previewed, then imported
    page.click("#import-another")
    page.set_input_files("#id_file", _file(GOOD))  # type: ignore[arg-type]
    page.click("#import-upload")
    expect(page.locator("#import-ready")).to_be_visible()
    preview = page.locator("#import-preview tbody tr")
    expect(preview).to_have_count(2)
    expect(preview.first).to_contain_text("浏览器导入聚醚")
    assert not Product.objects.filter(code__startswith="E2E-IMP").exists()
    page.click("#import-commit")
    expect(page.locator("#import-done")).to_contain_text("2")
    page.click("#import-to-list")
    listed = page.locator("#product-table")
    expect(listed).to_contain_text("E2E-IMP-1")
    expect(listed).to_contain_text("浏览器导入纯MDI")
    mdi = Product.objects.get(code="E2E-IMP-2")
    assert mdi.list_price == Decimal("18500.5") and mdi.unit.code == "t"
    assert Product.objects.get(code="E2E-IMP-1").unit.code == "桶"
