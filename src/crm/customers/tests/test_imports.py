"""Import of customers and contacts (CUS-7): files, checks, all-or-nothing, jobs, API, pages."""

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook, load_workbook

from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import AuditEntry, Job
from crm.customers import importfiles, imports, services, services_import
from crm.customers.models import Choice, Contact, Customer
from crm.customers.normalise import normalise_name

from .conftest import LIMITS, OTHER_USCC, VALID_USCC, checked_row, written_limits

pytestmark = pytest.mark.usefixtures("demo_once")

HEADER = "名称,统一社会信用代码,省份,城市,区县,电话,行业,负责人（用户名）,客户状态"
GOOD = [
    f"上海导入甲化工有限公司,{VALID_USCC},上海市,,浦东新区,021-55551234,石油化工,rep_east_1,active",
    "杭州导入乙贸易有限公司,,浙江省,杭州市,西湖区,0571-88886666,,,",
    "导入丙公司,,,,,,,,",
]


def csv_file(lines: list[str], *, encoding: str = "utf-8-sig", name: str = "c.csv") -> Any:
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding))


def xlsx_file(rows: list[list[Any]], name: str = "c.xlsx") -> Any:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def run(user: Any, upload: Any, *, kind: str = "customers", dry_run: bool = False) -> Job:
    return imports.import_start(user=user, kind=kind, upload=upload, mapping=None, dry_run=dry_run)


# --- files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_or_gb18030_is_read(mgr_east: Any, encoding: str) -> None:
    job = run(mgr_east, csv_file([HEADER, *GOOD], encoding=encoding))
    assert job.status == "succeeded", job.result
    assert job.result["created"] == 3
    a = Customer.objects.get(name="上海导入甲化工有限公司")
    assert (a.province, a.city, a.district) == ("31", "3101", "310115")
    assert a.industry is not None and a.industry.label == "石油化工"
    assert a.status == "active"
    assert a.owner.username == "rep_east_1"
    assert Customer.objects.get(name="导入丙公司").owner == mgr_east


def test_xlsx_is_read_and_formula_cells_stay_text(mgr_east: Any) -> None:
    upload = xlsx_file([["名称", "电话", "标签"], ["=HYPERLINK(1)", 13812345678, "重点"]])
    job = run(mgr_east, upload)
    assert job.status == "succeeded", job.result
    c = Customer.objects.get(phone="13812345678")
    assert c.name == "=HYPERLINK(1)"
    assert c.tags == "重点"


def test_imported_customers_carry_every_derived_column(mgr_east: Any) -> None:
    before = services.next_code_number()
    job = run(mgr_east, csv_file([HEADER, *GOOD]))
    assert job.result["created"] == 3
    for c in Customer.objects.filter(name__contains="导入"):
        assert c.code.startswith("C") and int(c.code[1:]) >= before
        fresh = services.customer_search_text(c, [])
        assert c.search_text == fresh
        assert c.name_key == normalise_name(c.name)
        assert c.created_by == mgr_east
    a = Customer.objects.get(name="上海导入甲化工有限公司")
    assert "shdrjhgyxgs" in a.search_text or "drj" in a.search_text
    assert AuditEntry.objects.filter(object_id=str(a.pk), action="create").exists()


def test_credit_limits_are_written_as_typed(mgr_east: Any) -> None:
    lines = ["名称,信用额度", '额度甲公司,"1,234.5"', "额度乙公司,98765.4321", "额度丙公司,"]
    job = run(mgr_east, csv_file(lines))
    assert job.status == "succeeded", job.error
    assert written_limits() == LIMITS


def test_imported_keys_equal_what_the_create_service_computes(mgr_east: Any) -> None:
    """search_text and name_key of an imported row are those of the same customer created by
    hand (the import memoises the keys and writes with COPY; codes differ, so they are
    replaced by a mark)."""
    rows = [
        ("重庆长安汽车股份有限公司", "长安", "023-88886666", VALID_USCC),
        ("臺灣積體電路製造股份有限公司", "台積電", "", ""),
        ("银行行长 乾燥剂 贸易", "乾隆", "(021) 5555 1234", ""),
        ("ＡＢＣ（上海）貿易有限公司", "ABC", "13812345678", OTHER_USCC),
        ("四川省成都市蜀能贸易有限责任公司", "", "", ""),
    ]

    def keys(c: Customer) -> tuple[str, str]:
        return c.search_text.replace(c.code.lower(), "<code>"), c.name_key

    by_hand = {}
    with transaction.atomic():
        for name, short, phone, uscc in rows:
            c = services.customer_create(
                actor=mgr_east, name=name, short_name=short, phone=phone, uscc=uscc
            )
            by_hand[name] = keys(c)
        transaction.set_rollback(True)
    lines = ["名称,简称,电话,统一社会信用代码"] + [",".join(r) for r in rows]
    job = run(mgr_east, csv_file(lines))
    assert job.status == "succeeded", job.result
    imported = {c.name: keys(c) for c in Customer.objects.filter(name__in=by_hand)}
    assert imported == by_hand
    assert "yinhanghangzhang" in by_hand[rows[2][0]][0]  # a polyphone read by its phrase


def test_text_with_tabs_newlines_and_backslashes_is_written_as_is(mgr_east: Any) -> None:
    history = 'a\tb\\c \\N\n"引号"\r\n第二行'
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["名称", "合作经历"], ["制表符公司", history]])
    job = run(mgr_east, SimpleUploadedFile("c.csv", buffer.getvalue().encode("utf-8")))
    assert job.status == "succeeded", job.result
    assert Customer.objects.get(name="制表符公司").cooperation_history == history


def test_a_credit_code_taken_before_the_write_fails_the_whole_import(mgr_east: Any) -> None:
    # the rows wait in a spool here (SQLite, or inside a transaction): the write is refused
    # as a whole, with the import's own message rather than the database's
    services.customer_create(actor=mgr_east, name="已有的公司", uscc=VALID_USCC)
    with services_import.CustomerStream(mgr_east) as stream:
        stream.put(checked_row(mgr_east, name="先写的公司"))
        stream.put(checked_row(mgr_east, name="后写的公司", uscc=VALID_USCC))
        with pytest.raises(Conflict) as refused, transaction.atomic():
            stream.commit()
    assert refused.value.message == services_import._conflict().message
    assert not Customer.objects.filter(name__in=["先写的公司", "后写的公司"]).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.txt", b"x", "只能导入 CSV"),
        ("a.csv", b"", "文件是空的"),
        ("a.csv", b"\xff\xfe\xff\x00abc", "UTF-8"),
        ("a.xlsx", b"PK\x03\x04 not really a zip", "无法读取"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    mgr_east: Any, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        run(mgr_east, SimpleUploadedFile(name, data))
    assert message in str(info.value.fields["file"])
    assert not Job.objects.exists()


def test_a_file_larger_than_50_mb_is_refused(mgr_east: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        importfiles.check_upload("big.csv", importfiles.MAX_BYTES + 1)
    assert "50 MB" in str(info.value.fields["file"])


def test_a_file_without_a_name_column_fails_the_job_clearly(mgr_east: Any) -> None:
    job = run(mgr_east, csv_file(["电话,行业", "021-1,化工"]), dry_run=True)
    assert job.status == "failed"
    assert "名称" in job.error
    assert job.result["headers"] == ["电话", "行业"]


def test_headers_are_mapped_by_chinese_or_english_name() -> None:
    mapping = importfiles.auto_mapping(
        importfiles.CUSTOMER_COLUMNS, ["Name", "统一社会信用代码*", "phone", "x"]
    )
    assert mapping["name"] == 0 and mapping["uscc"] == 1 and mapping["phone"] == 2
    assert mapping["street"] is None


# --- checks and all-or-nothing -------------------------------------------------------------


def test_errors_are_reported_per_row_and_column_in_chinese_and_nothing_is_written(
    mgr_east: Any, make_customer: Any, rep_east: Any
) -> None:
    make_customer(rep_east, name="已有客户", uscc=OTHER_USCC)
    lines = [
        HEADER,
        *GOOD,
        "坏行一公司,91310000132200821X,火星省,,,,不存在的行业,nobody,",  # row 5
        f",{OTHER_USCC},,,,,,,",  # row 6: no name; USCC of an existing customer
    ]
    before = Customer.objects.count()
    job = run(mgr_east, csv_file(lines))
    assert job.status == "failed"
    assert "什么也没有导入" in job.error or "没有导入" in job.error
    assert Customer.objects.count() == before
    errors = {(e["row"], e["field"]): e for e in job.result["errors"]}
    assert set(errors) == {
        (5, "uscc"),
        (5, "province"),
        (5, "industry"),
        (5, "owner"),
        (6, "name"),
        (6, "uscc"),
    }
    assert errors[(5, "uscc")]["column"] == "统一社会信用代码"
    assert "统一社会信用代码" in errors[(5, "uscc")]["message"]
    assert errors[(5, "province")]["message"] == "省份不存在。"
    assert "已有" in errors[(6, "uscc")]["message"]
    assert job.result["error_count"] == 6


def test_the_fixed_file_then_imports_every_row(mgr_east: Any) -> None:
    bad = [HEADER, *GOOD, ",,,,,,,,", "缺少名称的行,,火星省,,,,,,"]
    assert run(mgr_east, csv_file(bad)).status == "failed"
    assert not Customer.objects.filter(name__contains="导入").exists()
    fixed = [HEADER, *GOOD, "修好的行公司,,上海市,,,,,,"]
    job = run(mgr_east, csv_file(fixed))
    assert job.status == "succeeded"
    assert job.result["created"] == 4
    assert Customer.objects.filter(name__in=["修好的行公司", "导入丙公司"]).count() == 2


def test_duplicate_uscc_within_the_file_is_an_error(mgr_east: Any) -> None:
    lines = [HEADER, f"甲,{VALID_USCC},,,,,,,", f"乙,{VALID_USCC},,,,,,,"]
    job = run(mgr_east, csv_file(lines), dry_run=True)
    assert [(e["row"], e["field"]) for e in job.result["errors"]] == [(3, "uscc")]
    assert "第 2 行" in job.result["errors"][0]["message"]


def test_owner_outside_the_importers_scope_is_an_error(rep_east: Any) -> None:
    job = run(rep_east, csv_file(["名称,负责人", "某公司,rep_west_1"]), dry_run=True)
    assert [e["field"] for e in job.result["errors"]] == ["owner"]


def test_sensitive_columns_need_the_permission(rep_east: Any, admin: Any) -> None:
    lines = ["名称,税号,信用等级", f"某公司,{VALID_USCC},A"]
    job = run(rep_east, csv_file(lines), dry_run=True)
    assert {e["field"] for e in job.result["errors"]} == {"tax_id", "credit_level"}
    Choice.objects.get_or_create(kind="credit_level", label="A")
    assert run(admin, csv_file(lines)).status == "succeeded"


def test_a_dry_run_checks_and_keeps_the_file_for_the_import(mgr_east: Any) -> None:
    check = run(mgr_east, csv_file([HEADER, *GOOD]), dry_run=True)
    assert check.status == "succeeded"
    assert check.result["valid"] == 3 and check.result["error_count"] == 0
    assert check.result["preview"][0]["name"] == "上海导入甲化工有限公司"
    assert not Customer.objects.filter(name__contains="导入").exists()
    done = imports.import_again(user=mgr_east, job=check, mapping=None, dry_run=False)
    assert done.status == "succeeded" and done.result["created"] == 3
    with pytest.raises(ValidationFailed):  # the file is gone after the import
        imports.import_again(user=mgr_east, job=check, mapping=None, dry_run=False)


# --- contacts ------------------------------------------------------------------------------


def test_contacts_are_imported_by_customer_code_or_uscc(mgr_east: Any, make_customer: Any) -> None:
    a = make_customer(mgr_east, name="联系人导入甲", uscc=VALID_USCC)
    b = make_customer(mgr_east, name="联系人导入乙")
    services.contact_create(customer=b, actor=mgr_east, name="老联系人")
    lines = [
        "客户编码或统一社会信用代码,姓名,手机,决策角色,主要联系人",
        f"{VALID_USCC},张一,13812345678,决策者,",
        f"{VALID_USCC},张二,,,",
        f"{b.code},李三,13912345678,,是",
    ]
    job = run(mgr_east, csv_file(lines), kind="contacts")
    assert job.status == "succeeded", job.result
    assert job.result["created"] == 3
    assert Contact.objects.get(name="张一").is_primary  # a's first contact
    assert Contact.objects.get(name="张一").role == "decision_maker"
    assert not Contact.objects.get(name="张二").is_primary
    assert Contact.objects.get(name="李三").is_primary
    assert not Contact.objects.get(name="老联系人").is_primary
    a.refresh_from_db()
    assert "13812345678" in a.search_text and "zhangyi" in a.search_text


def test_contact_rows_with_errors_import_nothing(mgr_east: Any, make_customer: Any) -> None:
    a = make_customer(mgr_east, name="联系人导入丙")
    lines = [
        "客户编码或统一社会信用代码,姓名,手机,生日",
        f"{a.code},王五,12345,",
        "C99999999,赵六,,",
        f"{a.code},,,2999-01-01",
    ]
    job = run(mgr_east, csv_file(lines), kind="contacts")
    assert job.status == "failed"
    fields = sorted((e["row"], e["field"]) for e in job.result["errors"])
    assert fields == [(2, "mobile"), (3, "customer"), (4, "birthday"), (4, "name")]
    assert not Contact.objects.filter(customer=a).exists()


# --- template, API, pages, access ----------------------------------------------------------


def test_template_has_chinese_headers_and_reimports(mgr_east: Any) -> None:
    content = importfiles.template_xlsx(
        importfiles.CUSTOMER_COLUMNS, importfiles.TITLES[importfiles.Kind.CUSTOMERS]
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[:3] == ["名称*", "简称", "统一社会信用代码"]
    text = importfiles.template_csv(importfiles.CUSTOMER_COLUMNS).decode("utf-8-sig")
    job = run(mgr_east, SimpleUploadedFile("t.csv", text.encode("utf-8")))
    assert job.status == "succeeded", job.result
    assert Customer.objects.filter(name="上海示例化工有限公司").exists()


def test_api_import_answers_202_and_the_job_is_polled(api_client: Any, mgr_east: Any) -> None:
    client = api_client(mgr_east)
    res = client.post(
        "/api/v1/customers/import",
        {"file": csv_file([HEADER, *GOOD]), "dry_run": "false"},
    )
    assert res.status_code == 202, res.content
    job_id = res.json()["job_id"]
    poll = client.get(f"/api/v1/jobs/{job_id}").json()
    assert poll["status"] == "succeeded"
    assert poll["done"] == poll["total"] == 3
    assert poll["result"]["created"] == 3


def test_api_import_with_errors_reports_them_in_the_result(api_client: Any, mgr_east: Any) -> None:
    client = api_client(mgr_east)
    mapping = json.dumps({"name": "公司"})
    res = client.post(
        "/api/v1/customers/import",
        {"file": csv_file(["公司,省份", "甲公司,火星"]), "mapping": mapping},
    )
    poll = client.get(f"/api/v1/jobs/{res.json()['job_id']}").json()
    assert poll["status"] == "failed"
    assert poll["result"]["errors"][0]["field"] == "province"


def test_api_import_refuses_bad_input_with_422(api_client: Any, mgr_east: Any) -> None:
    client = api_client(mgr_east)
    res = client.post("/api/v1/customers/import", {"file": SimpleUploadedFile("a.doc", b"x")})
    assert res.status_code == 422
    assert res.json()["error"]["fields"]["file"]
    res = client.post(
        "/api/v1/customers/import",
        {"file": csv_file([HEADER, *GOOD]), "mapping": '{"name": "没有这一列"}'},
    )
    assert res.status_code == 422
    assert "mapping.name" in res.json()["error"]["fields"]


def test_another_users_job_is_a_404(
    api_client: Any, page_client: Any, mgr_east: Any, admin: Any
) -> None:
    job = run(mgr_east, csv_file([HEADER, *GOOD]), dry_run=True)
    assert api_client(admin).get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert page_client(admin).get(f"/jobs/{job.pk}/").status_code == 404
    assert (
        page_client(admin).post(f"/customers/import/{job.pk}/", {"action": "commit"}).status_code
        == 404
    )
    assert api_client(mgr_east).get(f"/api/v1/jobs/{job.pk}").status_code == 200


def test_import_pages_upload_check_then_import(page_client: Any, mgr_east: Any) -> None:
    client = page_client(mgr_east)
    assert 'id="import-open"' in client.get("/customers/").content.decode()
    res = client.post(
        "/customers/import/", {"kind": "customers", "file": csv_file([HEADER, *GOOD])}
    )
    assert res.status_code == 302
    page = client.get(res.url).content.decode()
    assert 'id="import-ready"' in page and 'id="import-preview"' in page
    job_id = int(res.url.strip("/").split("/")[-1])
    res = client.post(f"/customers/import/{job_id}/", {"action": "commit", "map_name": "0"})
    page = client.get(res.url).content.decode()
    assert 'id="import-done"' in page and 'id="job-progress"' in page
    assert Customer.objects.filter(name__contains="导入").count() == 3
    # htmx polls get the fragment only
    fragment = client.get(res.url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="job"')


def test_upload_page_shows_a_file_error_in_chinese(page_client: Any, mgr_east: Any) -> None:
    res = page_client(mgr_east).post(
        "/customers/import/", {"kind": "customers", "file": SimpleUploadedFile("x.pdf", b"%PDF")}
    )
    assert res.status_code == 200
    assert "只能导入 CSV" in res.content.decode()


def test_template_download_page(page_client: Any, mgr_east: Any) -> None:
    res = page_client(mgr_east).get("/customers/import/template/?kind=contacts&format=csv")
    assert res.status_code == 200
    assert res.content.decode("utf-8-sig").startswith("客户编码或统一社会信用代码*,姓名*")
