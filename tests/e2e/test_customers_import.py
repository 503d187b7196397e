"""Import in the browser: a file with two bad rows gives an error report and imports
nothing; the fixed file warns of a likely duplicate row yet imports every row, with a progress
bar; the customers are listed."""

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e

HEADER = "名称,统一社会信用代码,省份,区县,电话"
GOOD = ["浏览器导入甲公司,,上海市,浦东新区,021-1", "浏览器导入乙公司,,浙江省,,0571-2"]


def _file(rows: list[str]) -> dict[str, object]:
    data = ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8-sig")
    return {"name": "customers.csv", "mimeType": "text/csv", "buffer": data}


def test_import_with_errors_then_fixed(page: Page) -> None:
    from crm.customers.models import Customer

    sign_in(page, "mgr_east")
    page.goto("/customers/")
    page.click("#import-open")
    bad = [*GOOD, "坏行公司,12345,,,", ",,火星省,,"]
    page.set_input_files("#id_file", _file(bad))  # type: ignore[arg-type]
    page.click("#import-upload")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("统一社会信用代码")
    expect(errors).to_contain_text("省份不存在")
    expect(errors.locator("tbody tr")).to_have_count(3)  # row 4: USCC; row 5: name, province
    expect(page.locator("#import-commit")).to_be_disabled()
    assert not Customer.objects.filter(name__startswith="浏览器导入").exists()

    page.click("#import-another")
    fixed = [*GOOD, "修好的浏览器导入公司,,,,021-1"]  # row 4: the phone of row 2, a warning
    page.set_input_files("#id_file", _file(fixed))  # type: ignore[arg-type]
    page.click("#import-upload")
    expect(page.locator("#import-ready")).to_be_visible()
    expect(page.locator("#import-preview tbody tr")).to_have_count(3)
    expect(page.locator("#import-warnings tbody tr")).to_have_count(1)
    expect(page.locator("#import-warnings")).to_contain_text("疑似与第 2 行重复：电话相同")
    expect(page.locator("#import-commit")).to_be_enabled()
    page.click("#import-commit")
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#import-done")).to_contain_text("3")
    page.click("#import-to-list")
    expect(page.locator("#customer-table")).to_contain_text("浏览器导入甲公司")
    expect(page.locator("#customer-table")).to_contain_text("修好的浏览器导入公司")
    assert Customer.objects.filter(name__contains="浏览器导入").count() == 3
