"""Generic writes: versioned update, create, soft delete and restore, each audited."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.core.audit import history_for
from crm.core.errors import StaleVersion
from crm.core.models import AuditAction, AuditEntry
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.org.models import OrgUnit

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def unit(demo, admin):
    parent = OrgUnit.objects.get(name="华东化工有限公司")
    unit = OrgUnit(name="杭州分公司", kind="branch", parent=parent)
    return record_create(instance=unit, actor=admin)


def test_record_create_sets_authors_timestamps_and_writes_history(unit, admin):
    assert unit.created_by == admin
    assert unit.updated_by == admin
    assert unit.created_at is not None
    assert unit.updated_at is not None
    assert unit.version == 1
    entry = history_for(unit).get()
    assert entry.action == AuditAction.CREATE
    assert entry.actor == admin
    assert entry.object_repr == "杭州分公司"


def test_record_create_validates_the_model(demo, admin):
    with pytest.raises(ValidationError):
        record_create(instance=OrgUnit(name="", kind="nonsense"), actor=admin)
    assert not OrgUnit.objects.filter(kind="nonsense").exists()


def test_record_update_applies_changes_bumps_version_and_records_old_to_new(unit, mgr_east):
    # given a unit at version 1, last touched a while ago
    OrgUnit.objects.filter(pk=unit.pk).update(updated_at=timezone.now() - timedelta(days=1))
    # when
    updated = record_update(
        instance=unit, version=1, changes={"name": "杭州公司", "kind": "company"}, actor=mgr_east
    )
    # then
    assert updated.name == "杭州公司"
    assert updated.version == 2
    assert updated.updated_by == mgr_east
    assert updated.created_by != mgr_east
    assert timezone.now() - updated.updated_at < timedelta(minutes=1)
    entry = history_for(unit).first()
    assert entry is not None
    assert entry.action == AuditAction.UPDATE
    assert entry.actor == mgr_east
    assert entry.changes["name"]["old"] == "杭州分公司"
    assert entry.changes["name"]["new"] == "杭州公司"
    # choices are recorded as the labels a user reads, not the stored codes
    assert entry.changes["kind"]["old"] != "branch"
    assert entry.changes["kind"]["new"] != "company"


def test_record_update_refuses_a_stale_version_and_changes_nothing(unit, admin):
    # given two editors who opened version 1; the first saves
    record_update(instance=unit, version=1, changes={"name": "第一个"}, actor=admin)
    audit_count = AuditEntry.objects.count()
    # when the second saves with version 1
    with pytest.raises(StaleVersion):
        record_update(instance=unit, version=1, changes={"name": "第二个"}, actor=admin)
    # then the first editor's change stands and nothing else was written
    unit.refresh_from_db()
    assert unit.name == "第一个"
    assert unit.version == 2
    assert AuditEntry.objects.count() == audit_count


def test_record_update_refuses_a_deleted_record(unit, admin):
    record_soft_delete(instance=unit, actor=admin)
    with pytest.raises(StaleVersion):
        record_update(instance=unit, version=unit.version, changes={"name": "x"}, actor=admin)
    assert OrgUnit.all_objects.get(pk=unit.pk).name == "杭州分公司"


def test_record_update_validates_the_changed_fields(unit, admin):
    with pytest.raises(ValidationError):
        record_update(instance=unit, version=1, changes={"kind": "nonsense"}, actor=admin)
    unit.refresh_from_db()
    assert (unit.kind, unit.version) == ("branch", 1)


def test_record_update_without_a_real_change_writes_no_history(unit, admin):
    before = AuditEntry.objects.count()
    record_update(instance=unit, version=1, changes={"name": "杭州分公司"}, actor=admin)
    assert AuditEntry.objects.count() == before


def test_soft_delete_hides_from_objects_but_not_all_objects(unit, admin):
    # when
    record_soft_delete(instance=unit, actor=admin)
    # then
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()
    row = OrgUnit.all_objects.get(pk=unit.pk)
    assert row.is_deleted
    assert row.deleted_by == admin
    assert row.deleted_at is not None
    assert row.version == 2
    assert history_for(unit).first().action == AuditAction.DELETE  # type: ignore[union-attr]


def test_soft_delete_twice_is_refused(unit, admin):
    record_soft_delete(instance=unit, actor=admin)
    with pytest.raises(StaleVersion):
        record_soft_delete(instance=unit, actor=admin)


def test_restore_brings_the_record_back(unit, admin, mgr_east):
    record_soft_delete(instance=unit, actor=admin)
    # when
    restored = record_restore(instance=unit, actor=mgr_east)
    # then
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert not restored.is_deleted
    assert restored.deleted_at is None
    assert restored.deleted_by is None
    assert restored.updated_by == mgr_east
    assert restored.version == 3
    actions = list(history_for(unit).values_list("action", flat=True))
    assert actions[0] == AuditAction.RESTORE
    assert set(actions) == {AuditAction.CREATE, AuditAction.DELETE, AuditAction.RESTORE}


def test_restore_of_a_live_record_is_refused(unit, admin):
    with pytest.raises(StaleVersion):
        record_restore(instance=unit, actor=admin)


def test_history_is_per_record(unit, admin):
    other = OrgUnit.objects.get(name="上海分公司")
    record_update(instance=other, version=other.version, changes={"sort_order": 5}, actor=admin)
    entries = history_for(unit)
    assert {e.object_id for e in entries} == {str(unit.pk)}
    ct = ContentType.objects.get_for_model(OrgUnit)
    assert all(e.content_type_id == ct.pk for e in entries)
