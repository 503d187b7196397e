"""Import of products and price list items (preview, per-row errors, all-or-nothing) and the
export of the filtered product list (formula cells neutralised)."""

import csv
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from crm.core.audit import history_for
from crm.core.models import Job
from crm.customers import importfiles
from crm.products import imports, services_prices
from crm.products.models import Product

HEADER = "编码,名称,品牌,系列,规格,计量单位,目录价,在售"


def csv_file(lines: list[str], *, encoding: str = "utf-8-sig") -> Any:
    return SimpleUploadedFile("p.csv", ("\r\n".join(lines) + "\r\n").encode(encoding))


def xlsx_file(rows: list[list[Any]]) -> Any:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("p.xlsx", buffer.getvalue())


def run(
    user: Any, upload: Any, *, kind: str = "products", dry_run: bool = False, price_list: Any = None
) -> Job:
    return imports.import_start(
        user=user, kind=kind, upload=upload, dry_run=dry_run, price_list=price_list
    )


def test_template_has_chinese_headers_and_reads_back(admin: Any) -> None:
    rows = importfiles.template_rows(imports.PRODUCT_COLUMNS)
    assert rows[0][:2] == ["编码*", "名称*"] and "计量单位*" in rows[0]
    mapping = importfiles.auto_mapping(imports.PRODUCT_COLUMNS, rows[0])
    assert all(mapping[c.key] is not None for c in imports.PRODUCT_COLUMNS)
    wb = load_workbook(
        io.BytesIO(
            importfiles.template_xlsx(imports.ITEM_COLUMNS, imports.TITLES[imports.Kind.ITEMS])
        )
    )
    assert [c.value for c in wb.active[1]] == ["产品编码*", "价格*"]


def test_valid_file_creates_and_updates_products(
    admin: Any, brand: Any, series: Any, product: Product
) -> None:
    lines = [
        HEADER,
        "WH-TDI-80,甲苯二异氰酸酯,万华,聚氨酯,250 kg/桶,桶,3900,是",
        "X-2,无品牌产品,,,,t,12.5,",
        f"{product.code},纯MDI,万华,聚氨酯,200 kg/桶,桶,4999,否",
    ]
    job = run(admin, csv_file(lines, encoding="gb18030"))
    assert job.status == "succeeded", (job.error, job.result)
    assert job.result["created"] == 3
    tdi = Product.objects.get(code="WH-TDI-80")
    assert tdi.brand == brand and tdi.series == series and tdi.unit.code == "桶"
    assert Product.objects.get(code="X-2").list_price == Decimal("12.5")
    updated = Product.objects.get(pk=product.pk)
    assert updated.list_price == Decimal("4999") and not updated.active and updated.version == 2
    assert history_for(updated).filter(action="update").exists()


def test_any_error_imports_nothing_and_reports_each_row(admin: Any, brand: Any) -> None:
    lines = [
        HEADER,
        "OK-1,好产品,万华,,,t,10,是",
        "OK-1,重复编码,,,,t,10,是",
        "BAD-2,,未知品牌,,,箱子,0,也许",
        "BAD-3,无单位,,聚氨酯,,,10,",
    ]
    job = run(admin, csv_file(lines))
    assert job.status == "failed" and not Product.objects.exists()
    errors = {(e["row"], e["field"]) for e in job.result["errors"]}
    assert (3, "code") in errors
    assert {(4, "name"), (4, "brand"), (4, "unit"), (4, "list_price"), (4, "active")} <= errors
    assert (5, "unit") in errors and (5, "series") in errors
    assert all(e["message"] for e in job.result["errors"])
    assert any(e["column"] == "计量单位" for e in job.result["errors"])
    assert "什么也没有导入" in job.error


def test_dry_run_previews_then_commits_from_the_page(
    page_client: Any, admin: Any, brand: Any
) -> None:
    client = page_client(admin)
    upload = xlsx_file(
        [
            ["产品编码", "产品名称", "单位", "价格"],
            ["=1+1", "公式名", "t", 10],
            ["P-2", "二号", "吨", "20.5"],
        ]
    )
    r = client.post("/products/import/", {"file": upload})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded" and job.result["dry_run"] and not Product.objects.exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="import-preview"' in page and 'id="import-commit"' in page and "公式名" in page
    done = client.post(f"/products/import/{job.pk}/", {"action": "commit"})
    assert done.status_code == 302
    assert Product.objects.get(code="=1+1").name == "公式名"
    assert Product.objects.get(code="P-2").unit.code == "t"


def test_reps_may_not_import(page_client: Any, rep_east: Any, mgr_east: Any) -> None:
    assert page_client(rep_east).get("/products/import/").status_code == 403
    r = page_client(mgr_east).post("/products/import/", {"file": csv_file([HEADER])})
    assert r.status_code == 403 and not Job.objects.exists()


def test_price_list_items_import(admin: Any, product: Product, make_product: Any) -> None:
    other = make_product("P-9", "50")
    pl = services_prices.price_list_create(actor=admin, name="A", valid_from=timezone.localdate())
    services_prices.item_set(price_list=pl, product=other, price="45", actor=admin)
    bad = run(
        admin,
        csv_file(["产品编码,价格", f"{product.code},-1", "NOPE,3"]),
        kind="price_list_items",
        price_list=pl,
    )
    assert bad.status == "failed"
    assert {(e["row"], e["field"]) for e in bad.result["errors"]} == {(2, "price"), (3, "code")}
    ok = run(
        admin,
        csv_file(["产品编码,价格", f"{product.code},4500", "P-9,44"]),
        kind="price_list_items",
        price_list=pl,
    )
    assert ok.status == "succeeded", ok.result
    prices = dict(pl.items.values_list("product__code", "price"))
    assert prices == {product.code: Decimal("4500"), "P-9": Decimal("44")}


def test_api_import_starts_a_job(api_client: Any, admin: Any, rep_east: Any) -> None:
    body = {"file": csv_file([HEADER, "A-1,甲,,,,t,1,是"]), "dry_run": "false"}
    r = api_client(admin).post("/api/v1/products/import", body)
    assert r.status_code == 202
    assert Job.objects.get(pk=r.json()["job_id"]).status == "succeeded"
    assert Product.objects.filter(code="A-1").exists()
    denied = api_client(rep_east).post(
        "/api/v1/products/import", {"file": csv_file([HEADER]), "kind": "products"}
    )
    assert denied.status_code == 403


def test_export_streams_the_filtered_list_with_formulas_neutralised(
    page_client: Any, api_client: Any, admin: Any, rep_east: Any, make_product: Any, brand: Any
) -> None:
    make_product("=CMD()", "10", name="+危险", brand=brand)
    make_product("SAFE-1", "20", name="普通")
    client = page_client(admin)
    r = client.get("/products/export/", {"format": "csv", "brand": brand.pk})
    assert r.status_code == 200 and r.streaming
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["编码", "名称", "品牌"] and len(rows) == 2
    assert rows[1][0] == "'=CMD()" and rows[1][1] == "'+危险"
    x = client.get("/products/export/", {"format": "xlsx"})
    wb = load_workbook(io.BytesIO(b"".join(x.streaming_content)))
    assert wb.active.max_row == 3
    # the exported file is an import file
    assert importfiles.auto_mapping(imports.PRODUCT_COLUMNS, rows[0])["list_price"] == 6
    assert page_client(rep_east).get("/products/export/").status_code == 403
    api = api_client(admin).get("/api/v1/products/export", {"search": "putong"})
    assert "SAFE-1" in b"".join(api.streaming_content).decode("utf-8-sig")
