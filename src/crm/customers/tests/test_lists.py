"""Admin-editable lists (industry, rating, credit level …): services and the maintenance page."""

from typing import Any

import pytest

from crm.core.audit import history_for
from crm.core.errors import ValidationFailed
from crm.customers import selectors, services_lists
from crm.customers.models import Choice, ChoiceKind


def test_seeded_lists_have_chinese_defaults(db: Any) -> None:
    industries = list(selectors.choices(ChoiceKind.INDUSTRY).values_list("label", flat=True))
    assert industries and all(any("\u4e00" <= ch <= "\u9fff" for ch in x) for x in industries)


def test_create_rename_retire_with_history(demo: Any, admin: Any) -> None:
    # given a new industry
    choice = services_lists.choice_create(
        kind=ChoiceKind.INDUSTRY, label=" 氢能源 ", sort_order=5, actor=admin
    )
    assert choice.label == "氢能源"
    assert choice in selectors.choices(ChoiceKind.INDUSTRY)
    # when it is renamed and retired
    services_lists.choice_update(
        choice=choice, actor=admin, label="氢能与储能", sort_order=1, active=False
    )
    # then new customers can no longer pick it, and the history says old → new
    assert choice not in selectors.choices(ChoiceKind.INDUSTRY)
    assert choice in selectors.choices(ChoiceKind.INDUSTRY, include=choice)
    changes = history_for(choice).first().changes  # type: ignore[union-attr]
    assert changes["label"]["old"] == "氢能源" and changes["label"]["new"] == "氢能与储能"


@pytest.mark.parametrize("label", ["", "   ", "长" * 61])
def test_bad_labels_are_refused(demo: Any, admin: Any, label: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services_lists.choice_create(kind=ChoiceKind.RATING, label=label, sort_order=0, actor=admin)
    assert "label" in caught.value.fields


def test_a_label_is_unique_within_its_list_only(demo: Any, admin: Any) -> None:
    existing = Choice.objects.filter(kind=ChoiceKind.INDUSTRY).first()
    assert existing is not None
    with pytest.raises(ValidationFailed):
        services_lists.choice_create(
            kind=ChoiceKind.INDUSTRY, label=existing.label, sort_order=0, actor=admin
        )
    other = services_lists.choice_create(
        kind=ChoiceKind.SOURCE, label=existing.label, sort_order=0, actor=admin
    )
    assert other.kind == ChoiceKind.SOURCE


def test_page_adds_and_saves_entries(page_client: Any, admin: Any) -> None:
    client = page_client(admin)
    assert client.get("/customers/lists/").status_code == 200
    r = client.post("/customers/lists/", {"kind": "industry", "label": "氢能源", "sort_order": "3"})
    assert r.status_code == 302 and r["Location"].endswith("#list-industry")
    choice = Choice.objects.get(kind="industry", label="氢能源")
    client.post(
        "/customers/lists/",
        {"id": choice.pk, "kind": "industry", "label": "氢能", "sort_order": "x"},
    )
    choice.refresh_from_db()
    assert (choice.label, choice.sort_order, choice.active) == ("氢能", 0, False)
    # a duplicate label is refused with a message and changes nothing
    r = client.post("/customers/lists/", {"kind": "industry", "label": "氢能"}, follow=True)
    assert Choice.objects.filter(kind="industry", label="氢能").count() == 1
    assert any(m.level_tag == "error" for m in r.context["messages"])


def test_page_is_for_system_managers_only(page_client: Any, mgr_east: Any, leader: Any) -> None:
    for user in (mgr_east, leader):
        client = page_client(user)
        assert client.get("/customers/lists/").status_code == 403
        before = Choice.objects.count()
        client.post("/customers/lists/", {"kind": "industry", "label": "越权"})
        assert Choice.objects.count() == before
