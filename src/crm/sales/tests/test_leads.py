"""Leads (SAL-1): create with checks, status moves with a disqualify reason, duplicate check
against customers, conversion in one transaction recorded on all three records."""

from decimal import Decimal
from typing import Any

import pytest

from crm.core.audit import history_for
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.customers import services as customer_services
from crm.customers.dedupe import PossibleDuplicate
from crm.customers.models import Contact, Customer
from crm.sales import selectors, services_leads
from crm.sales.models import Lead, LeadStatus, Opportunity

pytestmark = pytest.mark.usefixtures("demo_once")


def test_create_checks_phone_and_uscc(rep_east: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        services_leads.lead_create(actor=rep_east, company="x", mobile="123", uscc="bad")
    assert {"mobile", "uscc"} <= set(err.value.fields)
    with pytest.raises(ValidationFailed) as err:
        services_leads.lead_create(actor=rep_east, company="  ")
    assert "company" in err.value.fields


def test_search_by_pinyin_initials(east_lead: Lead, rep_east: Any, rep_west: Any) -> None:
    found = selectors.leads_for_user(rep_east, selectors.LeadFilters(search="hzlj"))
    assert list(found) == [east_lead]
    assert not selectors.leads_for_user(rep_west).exists()


def test_status_moves_and_disqualify_reason(east_lead: Lead, rep_east: Any) -> None:
    lead = services_leads.lead_set_status(
        lead=east_lead, status=LeadStatus.CONTACTED, version=east_lead.version, actor=rep_east
    )
    with pytest.raises(ValidationFailed) as err:
        services_leads.lead_set_status(
            lead=lead, status=LeadStatus.DISQUALIFIED, version=lead.version, actor=rep_east
        )
    assert "reason" in err.value.fields
    lead = services_leads.lead_set_status(
        lead=lead,
        status=LeadStatus.DISQUALIFIED,
        version=lead.version,
        actor=rep_east,
        reason="无预算",
    )
    assert lead.status == LeadStatus.DISQUALIFIED and lead.disqualify_reason == "无预算"
    with pytest.raises(Conflict):
        services_leads.lead_set_status(
            lead=lead, status=LeadStatus.QUALIFIED, version=lead.version, actor=rep_east
        )
    # a disqualified lead cannot be converted
    with pytest.raises(Conflict):
        services_leads.lead_convert(lead=lead, version=lead.version, actor=rep_east)
    reopened = services_leads.lead_set_status(
        lead=lead, status=LeadStatus.NEW, version=lead.version, actor=rep_east
    )
    assert reopened.disqualify_reason == ""


def test_duplicate_check_finds_the_customer(
    make_lead: Any, rep_east: Any, pipeline_east_customer: Any
) -> None:
    lead = make_lead(rep_east, "上海浦江化工有限公司")
    matches = services_leads.lead_duplicates(lead=lead, user=rep_east)
    assert [m.pk for m in matches] == [pipeline_east_customer.pk]


def test_convert_to_new_customer_contact_and_opportunity(east_lead: Lead, rep_east: Any) -> None:
    result = services_leads.lead_convert(
        lead=east_lead,
        version=east_lead.version,
        actor=rep_east,
        opportunity_name="龙井 MDI 首单",
        amount=Decimal("50000"),
    )
    lead, customer, contact, o = (
        result["lead"],
        result["customer"],
        result["contact"],
        result["opportunity"],
    )
    assert lead.status == LeadStatus.CONVERTED and lead.converted_at
    assert lead.customer == customer and lead.contact == contact
    assert customer.name == east_lead.company and customer.owner == rep_east
    assert contact.name == "王强" and contact.mobile == "13912345678"
    assert o.source_lead == lead and o.customer == customer and o.contact == contact
    assert o.amount == Decimal("50000.00") and o.name == "龙井 MDI 首单"
    # the conversion is in the customer's and the contact's history
    for record in (customer, contact, o):
        notes = [e for e in history_for(record) if "source_lead" in e.changes]
        assert notes and east_lead.company in notes[0].changes["source_lead"]["new"]
    # a converted lead is final
    with pytest.raises(Conflict):
        services_leads.lead_update(lead=lead, version=lead.version, actor=rep_east, notes="x")


def test_convert_to_existing_customer(
    east_lead: Lead, rep_east: Any, pipeline_east_customer: Any
) -> None:
    result = services_leads.lead_convert(
        lead=east_lead,
        version=east_lead.version,
        actor=rep_east,
        customer=pipeline_east_customer,
        create_contact=False,
    )
    assert result["customer"] == pipeline_east_customer and result["contact"] is None
    assert Customer.objects.count() == 1
    assert history_for(pipeline_east_customer).filter(changes__has_key="source_lead").exists()


def test_convert_refuses_a_likely_duplicate_then_changes_nothing(
    make_lead: Any, rep_east: Any, pipeline_east_customer: Any
) -> None:
    lead = make_lead(rep_east, "上海浦江化工有限公司", contact_name="李雷")
    before = (Customer.objects.count(), Contact.objects.count(), Opportunity.objects.count())
    with pytest.raises(PossibleDuplicate):
        services_leads.lead_convert(lead=lead, version=lead.version, actor=rep_east)
    assert (Customer.objects.count(), Contact.objects.count(), Opportunity.objects.count()) == (
        before
    )
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
    services_leads.lead_convert(
        lead=lead, version=lead.version, actor=rep_east, allow_duplicates=True
    )
    assert Customer.objects.count() == 2


def test_stale_convert_is_refused(east_lead: Lead, rep_east: Any) -> None:
    services_leads.lead_update(
        lead=east_lead, version=east_lead.version, actor=rep_east, notes="已电话沟通"
    )
    with pytest.raises(StaleVersion):
        services_leads.lead_convert(lead=east_lead, version=east_lead.version, actor=rep_east)
    assert not Customer.objects.exists()


def test_contact_must_be_of_the_chosen_customer(
    east_lead: Lead, rep_east: Any, pipeline_east_customer: Any, pipeline_west_customer: Any
) -> None:
    other = customer_services.contact_create(
        customer=pipeline_west_customer, actor=None, name="赵强"
    )
    with pytest.raises(ValidationFailed):
        services_leads.lead_convert(
            lead=east_lead,
            version=east_lead.version,
            actor=rep_east,
            customer=pipeline_east_customer,
            contact=other,
        )
