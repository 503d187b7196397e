"""Files sent with one reply or note: stored with the entry, listed under it on the ticket page
(the ticket's own list keeps its own files), downloaded like ticket files, all or nothing on
the page and in the API, and no further than the ticket's readers."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.core.errors import Forbidden, ValidationFailed
from crm.service import services
from crm.service.models import Ticket, TicketAttachment, TicketEntry

pytestmark = pytest.mark.usefixtures("demo_once")


def _txt(name: str = "说明.txt", content: bytes = "照片说明".encode()) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "text/plain")


def _section(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</ul>", start)]


def test_service_stores_files_with_the_entry_all_or_nothing(
    agent: Any, admin: Any, west_ticket: Ticket
) -> None:
    entry = services.entry_add(
        ticket=west_ticket, kind="reply", body="已寄出配件", actor=agent, files=[_txt()]
    )
    (item,) = entry.attachments.all()
    assert (item.ticket, item.name, item.uploaded_by) == (west_ticket, "说明.txt", agent)
    with pytest.raises(ValidationFailed) as exc:
        services.entry_add(
            ticket=west_ticket,
            kind="note",
            body="内部",
            actor=agent,
            files=[_txt(), SimpleUploadedFile("病毒.exe", b"MZ")],
        )
    assert "files" in exc.value.fields
    assert TicketEntry.objects.filter(ticket=west_ticket).count() == 1
    assert TicketAttachment.objects.filter(ticket=west_ticket).count() == 1
    with pytest.raises(Forbidden):  # files join an entry by its author only
        services.entry_attach(entry=entry, files=[_txt()], actor=admin)
    with pytest.raises(ValidationFailed):
        services.entry_attach(entry=entry, files=[_txt() for _ in range(11)], actor=agent)
    assert entry.attachments.count() == 1


def test_reply_with_files_on_the_page(
    page_client: Any, agent: Any, rep_east: Any, west_ticket: Ticket
) -> None:
    client = page_client(agent)
    url = f"/service/tickets/{west_ticket.pk}/"
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    r = client.post(
        f"{url}entries/",
        {
            "kind": "reply",
            "body": "请查收维修报告",
            "files": [_txt("报告.txt", b"report"), SimpleUploadedFile("a.png", b"\x89PNG")],
        },
    )
    assert r.status_code == 302
    entry = TicketEntry.objects.get(ticket=west_ticket)
    files = {a.name: a for a in entry.attachments.all()}
    assert set(files) == {"报告.txt", "a.png"}
    page = client.get(url).content.decode()
    listed = _section(page, f'id="entry-{entry.pk}-files"')
    assert f'href="/service/tickets/attachments/{files["报告.txt"].pk}/">报告.txt</a>' in listed
    assert "报告.txt" not in _section(page, 'id="ticket-attachments"')
    download = client.get(f"/service/tickets/attachments/{files['报告.txt'].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"report"
    assert "attachment" in download["Content-Disposition"]
    outsider = page_client(rep_east)
    assert outsider.get(f"/service/tickets/attachments/{files['a.png'].pk}/").status_code == 404


def test_bad_file_refuses_the_whole_entry_on_the_page(
    page_client: Any, agent: Any, west_ticket: Ticket
) -> None:
    client = page_client(agent)
    r = client.post(
        f"/service/tickets/{west_ticket.pk}/entries/",
        {"kind": "note", "body": "内部：客户附件待核", "files": [_txt(), _txt("宏.exe")]},
    )
    page = r.content.decode()
    assert r.status_code == 422 and "允许的文件类型" in page
    assert "内部：客户附件待核" in page  # what was typed is kept
    assert not TicketEntry.objects.filter(ticket=west_ticket).exists()
    assert not TicketAttachment.objects.filter(ticket=west_ticket).exists()


def test_api_attaches_files_to_an_entry(
    api_client: Any,
    agent: Any,
    admin: Any,
    mgr_west: Any,
    rep_east: Any,
    west_ticket: Ticket,
) -> None:
    client = api_client(agent)
    base = f"/api/v1/tickets/{west_ticket.pk}"
    entry = client.post_json(f"{base}/entries", {"kind": "note", "body": "内部照片"}).json()
    assert entry["attachments"] == []
    url = f"/api/v1/tickets/entries/{entry['id']}/attachments"
    r = client.post(url, {"files": [_txt("一.txt", b"1"), _txt("二.txt", b"2")]})
    assert r.status_code == 201, r.content
    files = r.json()["attachments"]
    assert [f["name"] for f in files] == ["一.txt", "二.txt"]
    assert {f["entry_id"] for f in files} == {entry["id"]}
    listed = client.get(f"{base}/entries").json()
    assert [f["name"] for f in listed[0]["attachments"]] == ["一.txt", "二.txt"]
    assert client.get(f"{base}/attachments").json() == []  # the ticket's own files only
    assert b"".join(client.get(files[1]["url"]).streaming_content) == b"2"
    # All or none; only the author; an unknown entry; readers and outsiders.
    r = client.post(url, {"files": [_txt("三.txt"), _txt("四.bat")]})
    assert r.status_code == 422 and "files" in r.json()["error"]["fields"]
    assert TicketAttachment.objects.filter(entry=entry["id"]).count() == 2
    assert api_client(admin).post(url, {"files": [_txt()]}).status_code == 403
    missing = "/api/v1/tickets/entries/999999999/attachments"
    assert client.post(missing, {"files": [_txt()]}).status_code == 404
    assert api_client(mgr_west).post(url, {"files": [_txt()]}).status_code == 403
    assert api_client(mgr_west).get(files[0]["url"]).status_code == 200
    assert api_client(rep_east).get(files[0]["url"]).status_code == 404
    assert api_client(rep_east).post(url, {"files": [_txt()]}).status_code == 404
    assert TicketAttachment.objects.filter(entry=entry["id"]).count() == 2


def test_ticket_page_queries_do_not_grow_with_entries_and_files(
    page_client: Any, agent: Any, west_ticket: Ticket, django_assert_max_num_queries: Any
) -> None:
    client = page_client(agent)
    url = f"/service/tickets/{west_ticket.pk}/"
    services.entry_add(ticket=west_ticket, kind="note", body="一", actor=agent, files=[_txt()])
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for i in range(5):
        services.entry_add(
            ticket=west_ticket, kind="reply", body=f"回复{i}", actor=agent, files=[_txt(), _txt()]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("data-entry-files") == 6
