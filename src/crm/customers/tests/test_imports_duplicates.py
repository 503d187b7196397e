"""Likely-duplicate warnings of the customer import (issue 3 point 7): against live customers
and within the file; warnings never block the import, errors still do."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.customers import import_warnings, imports
from crm.customers.models import Customer

from .test_imports import csv_file, run

pytestmark = pytest.mark.usefixtures("demo_once")

TAX_ID = "91330100MA2H3XQJ7K"


def by_row(job: Any) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for w in job.result["warnings"]:
        out.setdefault(w["row"], []).append(w)
    return out


def test_rows_like_live_customers_are_warned_of_by_tax_id_phone_and_name(
    admin: Any, make_customer: Any
) -> None:
    by_tax = make_customer(admin, name="甲税号客户", tax_id=TAX_ID)
    by_phone = make_customer(admin, name="乙电话客户", phone="0571-87650001")
    by_name = make_customer(admin, name="上海华誉精密机械有限公司")
    lines = [
        "名称,税号,电话",
        f"完全不同的名称,{TAX_ID},",  # row 2
        "另一个名称,,0571-87650001",  # row 3
        "華譽精密機械股份有限公司,,",  # row 4: traditional, other suffix, no city
        "毫无关系的新客户,,010-66660000",  # row 5
    ]
    job = run(admin, csv_file(lines), dry_run=True)
    assert job.status == "succeeded", job.result
    assert job.result["error_count"] == 0 and job.result["valid"] == 4
    warnings = by_row(job)
    assert set(warnings) == {2, 3, 4}
    expected = {2: (by_tax, "tax_id", "税号相同"), 3: (by_phone, "phone", "电话相同")}
    expected[4] = (by_name, "name", "名称相同")
    for row, (customer, reason, label) in expected.items():
        (w,) = warnings[row]
        assert w["reasons"] == [reason]
        assert (w["customer_code"], w["customer_name"]) == (customer.code, customer.name)
        assert w["other_row"] is None
        assert customer.code in w["message"] and label in w["message"]
    assert job.result["warning_count"] == 3


def test_rows_like_earlier_rows_of_the_file_are_warned_of(admin: Any) -> None:
    lines = [
        "名称,税号,电话",
        f"文件内甲公司,{TAX_ID},021-61110001",  # row 2
        "文件内乙有限公司,,021-61110001",  # row 3: phone of row 2
        f"毫不相干公司,{TAX_ID},",  # row 4: tax ID of row 2
        "文件内乙股份有限公司,,021-61110001",  # row 5: name of row 3, phone of row 2
    ]
    job = run(admin, csv_file(lines), dry_run=True)
    assert job.status == "succeeded", job.result
    got = [(w["row"], w["other_row"], w["reasons"]) for w in job.result["warnings"]]
    assert got == [(3, 2, ["phone"]), (4, 2, ["tax_id"]), (5, 2, ["phone"]), (5, 3, ["name"])]
    assert "第 2 行" in job.result["warnings"][0]["message"]
    assert "电话相同" in job.result["warnings"][0]["message"]


def test_a_customer_outside_the_importers_scope_is_not_revealed(
    rep_east: Any, west_customer: Any, make_customer: Any, rep_west: Any
) -> None:
    west_customer.phone = "028-85550001"
    west_customer.save(update_fields=["phone"])
    lines = ["名称,电话", "东区新客户公司,028-85550001"]
    job = run(rep_east, csv_file(lines), dry_run=True)
    (w,) = job.result["warnings"]
    assert w["reasons"] == ["phone"]
    assert w["customer_code"] == w["customer_name"] == ""
    text = json.dumps(job.result, ensure_ascii=False)
    assert west_customer.code not in text and "蜀能" not in text
    assert "无权查看" in w["message"]


def test_warnings_do_not_block_the_import(page_client: Any, mgr_east: Any, east_customer: Any):
    lines = ["名称,电话", "华东另一家公司,021-55551234", "中國石油化工集團"]
    client = page_client(mgr_east)
    res = client.post("/customers/import/", {"kind": "customers", "file": csv_file(lines)})
    page = client.get(res.url).content.decode()
    assert 'id="import-ready"' in page and 'id="import-warnings"' in page
    assert east_customer.code in page and "疑似重复" in page
    job_id = int(res.url.strip("/").split("/")[-1])
    res = client.post(f"/customers/import/{job_id}/", {"action": "commit"})
    job = imports.Job.objects.get(pk=int(res.url.strip("/").split("/")[-1]))
    assert job.status == "succeeded", job.result
    assert job.result["created"] == 2 and job.result["warning_count"] == 2
    assert Customer.objects.filter(phone="021-55551234").count() == 2
    assert 'id="import-warnings"' in client.get(res.url).content.decode()


def test_errors_still_block_and_warnings_are_reported_with_them(
    mgr_east: Any, east_customer: Any
) -> None:
    before = Customer.objects.count()
    lines = ["名称,电话,省份", "华东另一家公司,021-55551234,", "坏行公司,,火星省"]
    job = run(mgr_east, csv_file(lines))
    assert job.status == "failed"
    assert Customer.objects.count() == before
    assert [e["row"] for e in job.result["errors"]] == [3]
    assert [w["row"] for w in job.result["warnings"]] == [2]


def test_the_job_result_caps_the_list(
    api_client: Any, mgr_east: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_warnings, "MAX_WARNINGS", 3)
    lines = ["名称,电话", *(f"同号公司{i},021-62220000" for i in range(7))]
    client = api_client(mgr_east)
    res = client.post("/api/v1/customers/import", {"file": csv_file(lines), "dry_run": "true"})
    result = client.get(f"/api/v1/jobs/{res.json()['job_id']}").json()["result"]
    assert result["warning_count"] == 6
    assert [w["row"] for w in result["warnings"]] == [3, 4, 5]
    assert set(result["warnings"][0]) >= {"row", "reasons", "message", "customer_code"}


def test_lookups_are_batched_not_per_row(admin: Any, make_customer: Any) -> None:
    for i in range(5):
        make_customer(admin, name=f"批量已有客户{i}", phone=f"0755-8000000{i}")

    def queries(rows: int) -> int:
        lines = ["名称,电话", *(f"批量新客户{i}号,0755-8000000{i % 5}" for i in range(rows))]
        with CaptureQueriesContext(connection) as ctx:
            job = run(admin, csv_file(lines), dry_run=True)
        assert job.result["warning_count"] >= rows
        return len(ctx.captured_queries)

    assert queries(5) == queries(40)
