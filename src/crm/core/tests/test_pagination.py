"""Database-side pagination shared by pages and the API."""

import pytest

from crm.core.errors import ValidationFailed
from crm.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate
from crm.org.models import OrgUnit

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def units(demo):
    """The 15 demo units, in path order."""
    qs = OrgUnit.objects.order_by("path")
    assert qs.count() == 15
    return qs


def test_first_page_by_default(units):
    page = paginate(units)
    assert (page.page, page.page_size, page.count) == (1, DEFAULT_PAGE_SIZE, 15)
    assert page.items == list(units)
    assert page.num_pages == 1
    assert not page.has_next
    assert not page.has_previous


def test_middle_and_last_pages(units):
    everything = list(units)
    middle = paginate(units, "2", "5")
    assert middle.items == everything[5:10]
    assert (middle.count, middle.num_pages, middle.has_next, middle.has_previous) == (
        15,
        3,
        True,
        True,
    )
    last = paginate(units, 3, 5)
    assert last.items == everything[10:]
    assert not last.has_next


def test_a_page_past_the_end_is_empty_but_keeps_the_count(units):
    page = paginate(units, 9, 5)
    assert page.items == []
    assert page.count == 15


def test_empty_strings_mean_the_defaults(units):
    page = paginate(units, "", "")
    assert (page.page, page.page_size) == (1, DEFAULT_PAGE_SIZE)


def test_an_empty_queryset_has_one_page(db):
    page = paginate(OrgUnit.objects.none())
    assert (page.count, page.num_pages, page.items) == (0, 1, [])


@pytest.mark.parametrize(
    ("page", "page_size", "field"),
    [
        ("abc", None, "page"),
        ("0", None, "page"),
        (-1, None, "page"),
        ("1.5", None, "page"),
        (None, "x", "page_size"),
        (None, 0, "page_size"),
        (None, MAX_PAGE_SIZE + 1, "page_size"),
    ],
)
def test_bad_page_or_page_size_is_a_field_error(units, page, page_size, field):
    with pytest.raises(ValidationFailed) as exc:
        paginate(units, page, page_size)
    assert list(exc.value.fields) == [field]
    assert exc.value.status == 422


def test_the_largest_page_size_is_allowed(units):
    assert MAX_PAGE_SIZE == 200
    assert paginate(units, 1, MAX_PAGE_SIZE).page_size == 200


def test_only_one_page_is_read(units, django_assert_num_queries):
    # a count and one slice, whatever the size of the table
    with django_assert_num_queries(2):
        paginate(units, 2, 5)


def test_a_count_under_the_cap_is_exact(units):
    page = paginate(units, 1, 5, count_cap=15)
    assert (page.count, page.capped, page.num_pages, page.has_next) == (15, False, 3, True)


def test_past_the_cap_the_count_stops_and_next_pages_still_work(units, django_assert_num_queries):
    everything = list(units)
    with django_assert_num_queries(2):  # a capped count, then the page plus one row
        page = paginate(units.all(), 1, 5, count_cap=6)
    assert page.capped and page.count == 6
    assert page.items == everything[:5] and page.has_next
    third = paginate(units, 3, 5, count_cap=6)
    assert third.items == everything[10:] and not third.has_next
    assert third.count == 15 and third.has_previous
    beyond = paginate(units, 9, 5, count_cap=6)
    assert beyond.items == [] and not beyond.has_next


def test_two_step_pages_values_rows_too(units, django_assert_num_queries):
    ordered = units.order_by("-depth", "name")
    expected = [(u.pk, u.parent.name if u.parent else None) for u in list(ordered)[5:10]]
    with django_assert_num_queries(3):
        page = paginate(ordered.all(), 2, 5, two_step=True, columns=("parent__name",))
    assert [(row["pk"], row["parent__name"]) for row in page.items] == expected
    assert all(set(row) == {"pk", "parent__name"} for row in page.items)


def test_two_step_gives_the_same_page_in_the_same_order(units, django_assert_num_queries):
    ordered = units.select_related("parent").order_by("-depth", "name")
    expected = list(ordered)[5:10]
    with django_assert_num_queries(3):  # count, the page's keys, its rows
        page = paginate(ordered.all(), 2, 5, two_step=True)
    assert page.items == expected
    assert [u.parent_id for u in page.items] == [u.parent_id for u in expected]
    capped = paginate(ordered.all(), 2, 5, count_cap=6, two_step=True)
    assert capped.items == expected and capped.capped and capped.has_next
