"""Reassign, export, dedupe/merge, data quality and saved filters: services, selectors, API,
pages."""

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from crm.core.audit import history_for
from crm.core.errors import Conflict, Forbidden, NotFound, StaleVersion, ValidationFailed
from crm.customers import dedupe, export, merge, quality, selectors, services, services_reassign
from crm.customers.models import Contact, Customer, Interaction, Merge, SavedFilter
from crm.customers.normalise import normalise_name

from .conftest import OTHER_USCC, VALID_USCC

pytestmark = pytest.mark.usefixtures("demo_once")


# --- normalised name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("中国石油化工股份有限公司", "中国石油化工"),
        ("中國石油化工集團有限公司", "中国石油化工"),
        ("上海华谊（集团）公司", "华谊"),
        ("四川省成都市蜀能贸易有限责任公司", "蜀能贸易"),
        ("ＡＢＣ　Ｃｏ．，Ｌｔｄ．", "abc"),
        ("北京市", "北京市"),
    ],
)
def test_normalise_name(raw: str, key: str) -> None:
    assert normalise_name(raw) == key


def test_services_maintain_name_key(make_customer: Any, rep_east: Any) -> None:
    c = make_customer(rep_east, name="上海蜀能贸易有限公司")
    assert Customer.objects.get(pk=c.pk).name_key == "蜀能贸易"
    services.customer_update(customer=c, version=c.version, actor=rep_east, name="华东新材料集团")
    assert Customer.objects.get(pk=c.pk).name_key == "华东新材料"


# --- duplicates ----------------------------------------------------------------------------


def test_create_refuses_likely_duplicate_unless_allowed(
    make_customer: Any, rep_east: Any, rep_west: Any
) -> None:
    west = make_customer(rep_west, name="成都蜀能贸易有限公司", phone="028-1234567")
    with pytest.raises(dedupe.PossibleDuplicate) as err:
        services.customer_create(
            actor=rep_east, name="四川成都蜀能贸易有限责任公司", allow_duplicates=False
        )
    (match,) = err.value.matches
    assert match.pk == west.pk and "name" in match.reasons
    assert match.visible is False  # rep_east may not see the west's customer
    assert err.value.status == 409 and err.value.code == "possible_duplicate"
    # the same phone alone is also a likely duplicate; allowed when overridden
    with pytest.raises(dedupe.PossibleDuplicate):
        services.customer_create(
            actor=rep_east, name="完全不同", phone="028-1234567", allow_duplicates=False
        )
    services.customer_create(actor=rep_east, name="四川成都蜀能贸易有限责任公司")


def test_similar_name_found_by_rapidfuzz(make_customer: Any, rep_east: Any) -> None:
    c = make_customer(rep_east, name="中国石油化工股份有限公司")
    matches = dedupe.find_duplicates(user=rep_east, name="中国石化股份有限公司")
    assert [m.pk for m in matches] == [c.pk] and matches[0].reasons == ["similar_name"]
    assert matches[0].visible


def test_duplicate_pairs_by_blocking_keys_and_scope(
    make_customer: Any, rep_east: Any, mgr_east: Any, leader: Any, rep_west: Any
) -> None:
    a = make_customer(rep_east, name="杭州龙井茶业有限公司", uscc=VALID_USCC)
    b = make_customer(rep_east, name="杭州龙井茶业集团", phone="0571-8888888")
    c = make_customer(rep_east, name="无关公司", phone="0571-8888888")
    make_customer(rep_east, name="完全不一样的名字")
    w = make_customer(rep_west, name="龙井茶业股份有限公司")
    pairs = dedupe.duplicate_pairs_for_user(mgr_east)
    got = {(p.a["pk"], p.b["pk"]): p for p in pairs}
    assert set(got) == {(a.pk, b.pk), (b.pk, c.pk)}
    assert "name" in got[(a.pk, b.pk)].reasons and got[(b.pk, c.pk)].reasons == ["phone"]
    assert pairs[0].score >= pairs[-1].score
    # the leader sees the whole base, so the west's copy pairs too
    assert any(w.pk in (p.a["pk"], p.b["pk"]) for p in dedupe.duplicate_pairs_for_user(leader))


# --- merge ---------------------------------------------------------------------------------


def _pair(make_customer: Any, owner: Any) -> tuple[Customer, Customer]:
    s = make_customer(owner, name="杭州龙井茶业有限公司", phone="0571-1", uscc="")
    m = make_customer(owner, name="杭州龙井茶业集团", phone="0571-2", uscc=OTHER_USCC)
    services.contact_create(customer=s, actor=owner, name="王一", mobile="13900000001")
    services.contact_create(customer=m, actor=owner, name="李二", mobile="13900000002")
    services.contact_create(customer=m, actor=owner, name="张三")
    services.interaction_create(
        customer=m, actor=owner, channel="call", occurred_at=timezone.now(), summary="来电"
    )
    return s, m


def test_merge_moves_everything_and_undo_restores_exactly(
    make_customer: Any, mgr_east: Any
) -> None:
    s, m = _pair(make_customer, mgr_east)
    unrelated = Contact.objects.filter(customer=s).get()
    done = merge.customer_merge(
        actor=mgr_east,
        survivor=s,
        merged=m,
        survivor_version=s.version,
        merged_version=m.version,
        take_from_merged=["uscc", "phone"],
    )
    s.refresh_from_db()
    assert s.uscc == OTHER_USCC and s.phone == "0571-2"
    assert Contact.objects.filter(customer=s).count() == 3
    assert Contact.objects.filter(customer=s, is_primary=True).get() == unrelated
    assert Interaction.objects.filter(customer=s).count() == 1
    assert Customer.all_objects.get(pk=m.pk).is_deleted
    assert done.snapshot["survivor_before"] == {"uscc": "", "phone": "0571-1"}
    assert "merged_from" in history_for(s).first().changes  # type: ignore[union-attr]
    # a contact added to the survivor after the merge stays there on undo
    later = services.contact_create(customer=s, actor=mgr_east, name="后加")

    merge.customer_merge_undo(merge=done, actor=mgr_east)
    s.refresh_from_db()
    m.refresh_from_db()
    assert not m.is_deleted and m.uscc == OTHER_USCC
    assert s.uscc == "" and s.phone == "0571-1"
    assert set(Contact.objects.filter(customer=s)) == {unrelated, later}
    assert Contact.objects.filter(customer=m).count() == 2
    assert Contact.objects.filter(customer=m, is_primary=True).get().name == "李二"
    assert Interaction.objects.filter(customer=m).count() == 1
    assert Merge.objects.get(pk=done.pk).undone_at is not None
    with pytest.raises(Conflict):
        merge.customer_merge_undo(merge=done, actor=mgr_east)


def test_merge_refuses_stale_versions_and_sensitive_fields(
    make_customer: Any, mgr_east: Any
) -> None:
    s, m = _pair(make_customer, mgr_east)
    with pytest.raises(StaleVersion):
        merge.customer_merge(
            actor=mgr_east, survivor=s, merged=m, survivor_version=99, merged_version=m.version
        )
    with pytest.raises(Forbidden):  # a manager may not see tax IDs
        merge.customer_merge(
            actor=mgr_east,
            survivor=s,
            merged=m,
            survivor_version=s.version,
            merged_version=m.version,
            take_from_merged=["tax_id"],
        )
    assert Contact.objects.filter(customer=m).count() == 2


# --- reassign ------------------------------------------------------------------------------


def test_reassign_moves_owner_and_unit_with_history(
    make_customer: Any, rep_east: Any, rep_east_2: Any, mgr_east: Any, demo: Any
) -> None:
    mine = [make_customer(rep_east, name=f"客户{i}") for i in range(3)]
    other = make_customer(rep_east_2, name="别人的客户")
    nj = demo["mgr_east"]  # any employee of another unit in the manager's subtree
    qs = selectors.customers_for_user(mgr_east, selectors.CustomerFilters(owner=rep_east.pk))
    moved = services_reassign.customer_reassign(actor=mgr_east, customers=qs, new_owner=nj)
    assert moved == 3
    for c in mine:
        c.refresh_from_db()
        assert c.owner == nj and c.org_unit_id == nj.unit_id and c.version == 2
        entry = history_for(c).first()
        assert entry is not None and entry.changes["owner"]["new"] == str(nj)
        assert entry.changes["org_unit"]["old"] == rep_east.unit.name
    other.refresh_from_db()
    assert other.owner == rep_east_2
    # nothing left to move: no-op, no history
    assert services_reassign.customer_reassign(actor=mgr_east, customers=qs, new_owner=nj) == 0


def test_reassign_refuses_inactive_owner(
    make_customer: Any, rep_east: Any, rep_east_2: Any
) -> None:
    make_customer(rep_east)
    rep_east_2.is_active = False
    rep_east_2.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed):
        services_reassign.customer_reassign(
            actor=rep_east,
            customers=selectors.customers_for_user(rep_east),
            new_owner=rep_east_2,
        )


def test_customers_by_ids_is_all_or_404(
    east_customer: Any, west_customer: Any, rep_east: Any
) -> None:
    assert selectors.customers_by_ids_for_user(rep_east, [east_customer.pk]).count() == 1
    with pytest.raises(NotFound):
        selectors.customers_by_ids_for_user(rep_east, [east_customer.pk, west_customer.pk])


# --- export --------------------------------------------------------------------------------


def test_neutralise() -> None:
    assert [export.neutralise(v) for v in ("=1+1", "+86", "-x", "@a", "\tb", "ok", 5)] == [
        "'=1+1",
        "'+86",
        "'-x",
        "'@a",
        "'\tb",
        "ok",
        5,
    ]


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_respects_filter_scope_and_sensitivity(
    api_client: Any, make_customer: Any, mgr_east: Any, leader: Any, rep_east: Any, rep_west: Any
) -> None:
    make_customer(rep_east, name='=HYPERLINK("x")公司', tags="重点", tax_id="TAX1")
    make_customer(rep_east, name="普通公司")
    make_customer(rep_west, name="西部公司", tags="重点")
    rows = _csv(api_client(mgr_east).get("/api/v1/customers/export", {"tag": "重点"}))
    assert rows[0][:2] == ["编码", "名称"] and "税号" not in rows[0]
    assert [r[1] for r in rows[1:]] == ['\'=HYPERLINK("x")公司']
    rows = _csv(api_client(leader).get("/api/v1/customers/export", {"tag": "重点"}))
    assert "税号" in rows[0] and len(rows) == 3


def test_xlsx_export(api_client: Any, make_customer: Any, mgr_east: Any, rep_east: Any) -> None:
    make_customer(rep_east, name="表格公司", credit_limit="1000")
    r = api_client(mgr_east).get("/api/v1/customers/export", {"format": "xlsx"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    values = list(sheet.values)
    assert values[0][1] == "名称" and values[1][1] == "表格公司"


def test_export_row_shows_what_the_record_shows(
    make_customer: Any, leader: Any, rep_east: Any
) -> None:
    """Rows are read as tuples; each cell must equal the model's own display of the field."""
    kinds = {"region": "region", "industry": "industry", "rating": "rating", "nature": "nature"}
    picked = {f: selectors.choices(k).first() for f, k in kinds.items()}
    c = make_customer(
        rep_east,
        name="导出核对有限公司",
        province="31",
        city="3101",
        district="310115",
        street="张江路 1 号",
        tax_id="TAX9",
        bank_account="6222",
        status="active",
        credit_limit="1234.50",
        tags="重点,国企",
        **picked,
    )
    rep_east.name = ""
    rep_east.save(update_fields=["name"])
    c.refresh_from_db()
    header = export.headers(sensitive=True)
    qs = selectors.customers_for_user(leader).filter(pk=c.pk)
    (row,) = list(export.rows(qs, sensitive=True))
    got = dict(zip(header, row, strict=True))
    assert got["地址"] == c.address and "张江路 1 号" in got["地址"]
    assert got["负责人"] == rep_east.username  # no name: the login, as str(user)
    assert got["客户状态"] == c.get_status_display()
    assert got["行业"] == str(c.industry) and got["所属地区"] == str(c.region)
    assert got["税号"] == "TAX9" and got["银行账号"] == "6222"
    assert str(got["信用额度"]) == str(c.credit_limit)
    assert got["创建时间"] == timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M")
    assert got["所属单元"] == c.org_unit.name
    plain_row = next(export.rows(qs, sensitive=False))
    plain = dict(zip(export.headers(sensitive=False), plain_row, strict=True))
    assert "税号" not in plain and plain["名称"] == "导出核对有限公司"


def test_export_needs_both_rights(api_client: Any, rep_east: Any) -> None:
    r = api_client(rep_east).get("/api/v1/customers/export")
    assert r.status_code == 403


# --- quality -------------------------------------------------------------------------------


def test_quality_scores_in_sql_worst_first(make_customer: Any, rep_east: Any, demo: Any) -> None:
    poor = make_customer(rep_east, name="空白公司")
    rich = make_customer(
        rep_east,
        name="完整公司",
        short_name="完整",
        uscc=VALID_USCC,
        phone="021-1",
        province="31",
        city="3101",
        district="310115",
        street="世纪大道1号",
    )
    services.contact_create(customer=rich, actor=rep_east, name="王", mobile="13900000000")
    Customer.objects.filter(pk=poor.pk).update(updated_at=timezone.now() - timedelta(days=400))
    rows: list[Any] = list(quality.quality_rows(selectors.customers_for_user(rep_east)))
    assert [r.pk for r in rows] == [poor.pk, rich.pk]
    assert rows[0].q_score == 0 and rows[0].q_stale
    assert rows[1].q_score == 65 and not rows[1].q_stale
    assert "主要联系人及电话" in [str(x) for x in quality.missing(rows[0])] or quality.missing(
        rows[0]
    )
    summary = quality.quality_summary(selectors.customers_for_user(rep_east))
    assert summary.count == 2 and summary.stale == 1
    stale = quality.quality_rows(selectors.customers_for_user(rep_east), stale_only=True)
    assert [r.pk for r in stale] == [poor.pk]


def test_months_ago() -> None:
    now = timezone.now().replace(year=2026, month=3, day=31)
    cut = quality.months_ago(13, now)
    assert (cut.year, cut.month, cut.day) == (2025, 2, 28)


# --- API -----------------------------------------------------------------------------------


def test_api_create_possible_duplicate_409_then_force(
    api_client: Any, rep_east: Any, east_customer: Any
) -> None:
    client = api_client(rep_east)
    r = client.post_json("/api/v1/customers", {"name": "中国石油化工集团有限公司"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "possible_duplicate"
    assert east_customer.code in r.json()["error"]["fields"]["duplicates"][0]
    r = client.post_json("/api/v1/customers", {"name": "中国石油化工集团有限公司", "force": True})
    assert r.status_code == 201


def test_api_reassign_modes(
    api_client: Any, make_customer: Any, mgr_east: Any, rep_east: Any, rep_east_2: Any
) -> None:
    a = make_customer(rep_east, name="甲公司", tags="重点")
    make_customer(rep_east, name="乙公司")
    client = api_client(mgr_east)
    url = "/api/v1/customers/reassign"
    r = client.post_json(url, {"to_owner_id": rep_east_2.pk, "ids": [a.pk]})
    assert r.status_code == 200 and r.json() == {"moved": 1}
    r = client.post_json(url, {"to_owner_id": rep_east_2.pk, "filter": {"tag": "重点"}})
    assert r.json() == {"moved": 0}
    r = client.post_json(url, {"to_owner_id": rep_east_2.pk, "from_owner_id": rep_east.pk})
    assert r.json() == {"moved": 1}
    assert not Customer.objects.filter(owner=rep_east).exists()
    bad = client.post_json(url, {"to_owner_id": rep_east_2.pk})
    assert bad.status_code == 422
    bad = client.post_json(url, {"to_owner_id": rep_east_2.pk, "filter": {"status": "x"}})
    assert bad.status_code == 422


def test_api_reassign_out_of_scope_is_404_and_moves_nothing(
    api_client: Any, mgr_east: Any, east_customer: Any, west_customer: Any, rep_east_2: Any
) -> None:
    r = api_client(mgr_east).post_json(
        "/api/v1/customers/reassign",
        {"to_owner_id": rep_east_2.pk, "ids": [east_customer.pk, west_customer.pk]},
    )
    assert r.status_code == 404
    east_customer.refresh_from_db()
    assert east_customer.owner_id != rep_east_2.pk


def test_api_duplicates_merge_undo(api_client: Any, make_customer: Any, mgr_east: Any) -> None:
    s, m = _pair(make_customer, mgr_east)
    client = api_client(mgr_east)
    page = client.get("/api/v1/customers/duplicates").json()
    assert page["count"] == 1
    item = page["items"][0]
    assert {item["a"]["id"], item["b"]["id"]} == {s.pk, m.pk} and "tax_id" not in item["a"]
    r = client.post_json(
        "/api/v1/customers/merge",
        {
            "survivor_id": s.pk,
            "merged_id": m.pk,
            "survivor_version": s.version,
            "merged_version": m.version,
            "take": ["name"],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["moved"] == {"customers.Contact": 2, "customers.Interaction": 1}
    assert client.get(f"/api/v1/customers/{m.pk}").status_code == 404
    assert client.get(f"/api/v1/customers/{s.pk}").json()["name"] == "杭州龙井茶业集团"
    r = client.post_json(f"/api/v1/customers/merges/{body['id']}/undo")
    assert r.status_code == 200 and r.json()["undone_at"]
    assert client.get(f"/api/v1/customers/{s.pk}").json()["name"] == "杭州龙井茶业有限公司"
    assert client.post_json(f"/api/v1/customers/merges/{body['id']}/undo").status_code == 409


def test_api_merge_needs_delete_right(api_client: Any, make_customer: Any, rep_east: Any) -> None:
    s, m = _pair(make_customer, rep_east)
    r = api_client(rep_east).post_json(
        "/api/v1/customers/merge",
        {"survivor_id": s.pk, "merged_id": m.pk, "survivor_version": 1, "merged_version": 1},
    )
    assert r.status_code == 403


# --- pages ---------------------------------------------------------------------------------


def test_page_create_warns_of_duplicate_then_force(
    page_client: Any, rep_east: Any, east_customer: Any
) -> None:
    client = page_client(rep_east)
    data = {"name": "中國石油化工集團", "status": "prospect", "credit_limit": "0"}
    data["owner"] = rep_east.pk
    r = client.post("/customers/new/", data)
    assert r.status_code == 409 and 'id="duplicate-warning"' in r.content.decode()
    assert Customer.objects.count() == 1
    r = client.post("/customers/new/", {**data, "force": "on"})
    assert r.status_code == 302 and Customer.objects.count() == 2


def test_page_reassign_confirm_then_move(
    page_client: Any, make_customer: Any, mgr_east: Any, rep_east: Any, rep_east_2: Any
) -> None:
    a = make_customer(rep_east, name="甲公司")
    client = page_client(mgr_east)
    html = client.get("/customers/").content.decode()
    assert 'id="reassign-form"' in html and 'id="export-csv"' in html
    form = {"mode": "selected", "ids": [a.pk], "to_owner": rep_east_2.pk, "filter": ""}
    r = client.post("/customers/reassign/", form)
    assert r.status_code == 200 and 'id="reassign-count"' in r.content.decode()
    a.refresh_from_db()
    assert a.owner == rep_east
    r = client.post("/customers/reassign/", {**form, "confirm": "1"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.owner == rep_east_2


def test_page_export_csv(
    page_client: Any, make_customer: Any, mgr_east: Any, rep_east: Any
) -> None:
    make_customer(rep_east, name="甲公司")
    make_customer(rep_east, name="乙公司")
    r = page_client(mgr_east).get("/customers/export/", {"q": "甲", "format": "csv"})
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert [row[1] for row in _csv(r)[1:]] == ["甲公司"]


def test_page_merge_wizard_and_undo(page_client: Any, make_customer: Any, mgr_east: Any) -> None:
    s, m = _pair(make_customer, mgr_east)
    client = page_client(mgr_east)
    assert "merge-link" in client.get("/customers/duplicates/").content.decode()
    wizard = client.get("/customers/merge/", {"a": s.pk, "b": m.pk})
    assert wizard.status_code == 200 and 'id="merge-fields"' in wizard.content.decode()
    r = client.post(
        "/customers/merge/",
        {
            "a": s.pk,
            "b": m.pk,
            "survivor": s.pk,
            "survivor_version": s.version,
            "merged_version": m.version,
            "confirm": "1",
            "keep_phone": "merged",
        },
    )
    assert r.status_code == 302
    done = Merge.objects.get()
    detail = client.get(f"/customers/{s.pk}/").content.decode()
    assert f'id="merge-undo-{done.pk}"' in detail
    assert Customer.objects.get(pk=s.pk).phone == "0571-2"
    r = client.post(f"/customers/merges/{done.pk}/undo/")
    assert r.status_code == 302 and not Customer.all_objects.get(pk=m.pk).is_deleted


def test_page_quality_report(page_client: Any, make_customer: Any, rep_east: Any) -> None:
    make_customer(rep_east, name="空白公司")
    r = page_client(rep_east).get("/customers/quality/")
    assert r.status_code == 200 and "空白公司" in r.content.decode()


def test_saved_filters_per_user(page_client: Any, rep_east: Any, rep_west: Any) -> None:
    client = page_client(rep_east)
    r = client.post(
        "/customers/views/save/", {"name": "我的视图甲", "query": "tag=重点&page=3&x=1"}
    )
    assert r.status_code == 302
    saved = SavedFilter.objects.get()
    assert saved.user == rep_east and saved.query == "tag=%E9%87%8D%E7%82%B9"
    assert "我的视图甲" in client.get("/customers/").content.decode()
    assert "我的视图甲" not in page_client(rep_west).get("/customers/").content.decode()
    # another user cannot delete it
    assert page_client(rep_west).post(f"/customers/views/{saved.pk}/delete/").status_code == 404
    assert client.post(f"/customers/views/{saved.pk}/delete/").status_code == 302
    assert not SavedFilter.objects.exists()


def test_demo_loader_fills_name_key(demo: Any) -> None:
    from crm.customers.demo import load_customers

    load_customers(15)
    assert not Customer.objects.filter(name_key="").exists()
    assert Customer.objects.get(name="中国石油化工股份有限公司").name_key == "中国石油化工"
