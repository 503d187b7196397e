"""API of customers, contacts and interactions. Thin: parse → selector/service → schema."""

from datetime import date
from enum import Enum, StrEnum
from typing import Any

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import ValidationError as PydanticValidationError

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    JobStartedOut,
    PageNumber,
    PageOut,
    PageSize,
    page_out,
)
from crm.core.access import require, require_special
from crm.core.errors import Forbidden, ValidationFailed
from crm.core.modules import Action, Module, Special
from crm.org.models import OrgUnit
from crm.org.selectors import employee_get_for_user

from . import dedupe, export, importfiles, imports, merge, selectors, services, services_reassign
from .models import Contact, Customer, CustomerStatus, Interaction, Merge
from .schemas import (
    ContactIn,
    ContactOut,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    DuplicatePairOut,
    InteractionIn,
    InteractionOut,
    IsoDate,
    MergeIn,
    MergeOut,
    ReassignIn,
    ReassignOut,
)

router = Router(tags=["customers"])


def _choice(c: Any) -> dict[str, Any] | None:
    return {"id": c.pk, "label": c.label} if c is not None else None


def _customer_out(c: Customer, *, sensitive: bool) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "short_name": c.short_name,
        "uscc": c.uscc,
        "tax_id": c.tax_id if sensitive else None,
        "bank": c.bank,
        "bank_account": c.bank_account if sensitive else None,
        "credit_level": _choice(c.credit_level) if sensitive else None,
        "province": c.province,
        "city": c.city,
        "district": c.district,
        "address": c.address,
        "street": c.street,
        "phone": c.phone,
        "region": _choice(c.region),
        "industry": _choice(c.industry),
        "rating": _choice(c.rating),
        "nature": _choice(c.nature),
        "size": _choice(c.size),
        "source": _choice(c.source),
        "credit_limit": c.credit_limit,
        "cooperation_history": c.cooperation_history,
        "status": c.status,
        "tags": c.tag_list,
        "owner": {"id": c.owner_id, "name": str(c.owner)},
        "org_unit": {"id": c.org_unit_id, "name": c.org_unit.name},
        "units_served": [{"id": u.pk, "name": u.name} for u in c.units_served.all()],
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "version": c.version,
    }


def _contact_out(c: Contact) -> Contact:
    return c


def _interaction_out(i: Interaction) -> dict[str, Any]:
    return {
        "id": i.pk,
        "customer_id": i.customer_id,
        "channel": i.channel,
        "direction": i.direction,
        "occurred_at": i.occurred_at,
        "contact_id": i.contact_id,
        "summary": i.summary,
        "author": {"id": i.author.pk, "name": str(i.author)} if i.author else None,
        "attachment_name": i.attachment_name,
        "created_at": i.created_at,
    }


def _resolve(user: Any, data: dict[str, Any]) -> tuple[dict[str, Any], list[OrgUnit] | None]:
    """Turn ids into records the caller may use; refuse sensitive fields without the right."""
    sensitive = selectors.can_see_sensitive(user)
    if not sensitive:
        sent = [
            f
            for f in ("tax_id", "bank_account", "credit_level_id")
            if data.get(f) not in (None, "")
        ]
        if sent:
            raise Forbidden(
                _("You may not set sensitive fields (tax ID, bank account, credit level).")
            )
        for f in ("tax_id", "bank_account", "credit_level_id"):
            data.pop(f, None)
    errors: dict[str, list[str]] = {}
    for name, kind in services.CHOICE_FIELDS.items():
        key = f"{name}_id"
        if key in data:
            value = data.pop(key)
            choice = selectors.choice_get(kind, value) if value is not None else None
            if value is not None and (choice is None or not choice.active):
                errors[key] = [_("Unknown entry of the list.")]
            data[name] = choice
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        if owner_id is not None:
            data["owner"] = employee_get_for_user(user=user, pk=owner_id)
    if "tags" in data:
        data["tags"] = data["tags"] or []
    units = None
    if "units_served_ids" in data:
        ids = set(data.pop("units_served_ids") or [])
        units = list(OrgUnit.objects.filter(pk__in=ids))
        if len(units) != len(ids):
            errors["units_served_ids"] = [_("Unknown unit.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return data, units


# The whitelisted sort keys, as an enum in the schema.
Ordering = Enum("Ordering", {o: o for o in sorted(selectors.ORDERINGS)}, type=str)  # type: ignore[misc]


class CustomerQuery(Schema):
    search: str = ""
    owner_id: Id | None = None
    unit_id: Id | None = None
    region_id: Id | None = None
    industry_id: Id | None = None
    rating_id: Id | None = None
    credit_level_id: Id | None = None
    status: CustomerStatus | None = None
    tag: str = ""
    created_from: IsoDate | None = None
    created_to: IsoDate | None = None
    updated_from: IsoDate | None = None
    updated_to: IsoDate | None = None
    ordering: Ordering = Ordering(selectors.DEFAULT_ORDERING)  # type: ignore[valid-type]


def _filters(query: CustomerQuery) -> selectors.CustomerFilters:
    return selectors.CustomerFilters(
        search=query.search[:100],
        owner=query.owner_id,
        unit=query.unit_id,
        region=query.region_id,
        industry=query.industry_id,
        rating=query.rating_id,
        credit_level=query.credit_level_id,
        status=query.status or "",
        tag=query.tag[:20],
        created_from=query.created_from,
        created_to=query.created_to,
        updated_from=query.updated_from,
        updated_to=query.updated_to,
        ordering=str(query.ordering.value),  # type: ignore[attr-defined]
    )


@router.get("/customers", response={200: PageOut[CustomerOut], **ERRORS})
def customer_list(
    request: HttpRequest,
    query: Query[CustomerQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    qs = selectors.customers_for_user(request.user, _filters(query)).prefetch_related(
        "units_served"
    )
    sensitive = selectors.can_see_sensitive(request.user)
    return page_out(qs, page, page_size, lambda c: _customer_out(c, sensitive=sensitive))


@router.post("/customers", response={201: CustomerOut, **WRITE_ERRORS})
def customer_create(request: HttpRequest, payload: CustomerIn) -> Any:
    require(request.user, Module.CUSTOMERS, Action.CREATE)
    data, units = _resolve(request.user, payload.dict())
    name = data.pop("name")
    force = data.pop("force", False)
    customer = services.customer_create(
        actor=request.user, name=name, units_served=units, allow_duplicates=force, **data
    )
    customer = selectors.customer_get_for_user(user=request.user, pk=customer.pk)
    return Status(201, _customer_out(customer, sensitive=selectors.can_see_sensitive(request.user)))


# Fixed paths before /customers/{customer_id}, which would otherwise match them.
# --- reassign, export, duplicates, merge -------------------------------------------------


@router.post("/customers/reassign", response={200: ReassignOut, **WRITE_ERRORS})
def customer_reassign(request: HttpRequest, payload: ReassignIn) -> Any:
    """Move customers to another owner: selected ids, a list filter, or all of one owner's."""
    user = request.user
    picked = [p for p in (payload.ids, payload.filter, payload.from_owner_id) if p is not None]
    if len(picked) != 1:
        raise ValidationFailed(
            fields={"__all__": [_("Send exactly one of ids, filter or from_owner_id.")]}
        )
    require(user, Module.CUSTOMERS, Action.VIEW)
    if payload.ids is not None:
        customers = selectors.customers_by_ids_for_user(user, payload.ids)
    elif payload.filter is not None:
        try:
            query = CustomerQuery(**payload.filter)
        except PydanticValidationError as exc:
            raise ValidationFailed(
                fields={"filter": [str(e.get("msg", "")) for e in exc.errors()]}
            ) from None
        customers = selectors.customers_for_user(user, _filters(query))
    else:
        from_owner = employee_get_for_user(user=user, pk=payload.from_owner_id)
        customers = selectors.customers_for_user(
            user, selectors.CustomerFilters(owner=from_owner.pk)
        )
    require(user, Module.CUSTOMERS, Action.EDIT)
    new_owner = employee_get_for_user(user=user, pk=payload.to_owner_id)
    moved = services_reassign.customer_reassign(
        actor=user, customers=customers, new_owner=new_owner
    )
    return {"moved": moved}


_EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@router.get(
    "/customers/export",
    response={**ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The filtered list as a file (CSV with BOM, or XLSX).",
                "content": {t: {} for t in _EXPORT_TYPES.values()},
            }
        }
    },
)
def customer_export(
    request: HttpRequest, query: Query[CustomerQuery], format: ExportFormat = ExportFormat.csv
) -> Any:
    """The customers the list would show with the same filters, as CSV or XLSX."""
    qs = export_queryset(request.user, _filters(query))
    return export_response(
        qs, str(format.value), sensitive=selectors.can_see_sensitive(request.user)
    )


def export_queryset(user: Any, filters: selectors.CustomerFilters) -> Any:
    """Checks the export rights (module action and the special permission) first."""
    require(user, Module.CUSTOMERS, Action.EXPORT)
    require_special(user, Special.EXPORT)
    return selectors.customers_for_user(user, filters)


def export_response(qs: Any, fmt: str, *, sensitive: bool) -> HttpResponseBase:
    if fmt == "xlsx":
        return FileResponse(
            export.xlsx_file(qs, sensitive=sensitive),
            as_attachment=True,
            filename=export.filename("xlsx"),
            content_type=_EXPORT_TYPES["xlsx"],
        )
    response = StreamingHttpResponse(
        export.csv_chunks(qs, sensitive=sensitive), content_type=_EXPORT_TYPES["csv"]
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename("csv")}"'
    return response


def _side(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["pk"], "code": row["code"], "name": row["name"], "owner": row["owner__name"]}


@router.get("/customers/duplicates", response={200: PageOut[DuplicatePairOut], **ERRORS})
def customer_duplicates(
    request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 20, min_score: int = 0
) -> Any:
    """Likely duplicate pairs among the customers the caller may see, best first."""
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    pairs = dedupe.duplicate_pairs_for_user(request.user, min_score=min_score)
    p = dedupe.paginate_list(pairs, page, page_size)
    return {
        "items": [
            {"score": x.score, "reasons": x.reasons, "a": _side(x.a), "b": _side(x.b)}
            for x in p.items
        ],
        "count": p.count,
        "page": p.page,
        "page_size": p.page_size,
    }


def _merge_out(m: Merge) -> dict[str, Any]:
    moved: dict[str, int] = {}
    for entry in m.snapshot.get("moved", []):
        moved[entry["model"]] = moved.get(entry["model"], 0) + len(entry["pks"])
    return {
        "id": m.pk,
        "survivor_id": m.survivor_id,
        "merged_id": m.merged_id,
        "moved": moved,
        "at": m.at,
        "undone_at": m.undone_at,
    }


def require_merge(user: Any) -> None:
    require(user, Module.CUSTOMERS, Action.EDIT)
    require(user, Module.CUSTOMERS, Action.DELETE)


@router.post("/customers/merge", response={201: MergeOut, **WRITE_ERRORS})
def customer_merge(request: HttpRequest, payload: MergeIn) -> Any:
    """Merge `merged_id` into `survivor_id`; both must be in the caller's scope."""
    survivor = selectors.customer_get_for_user(user=request.user, pk=payload.survivor_id)
    merged = selectors.customer_get_for_user(user=request.user, pk=payload.merged_id)
    require_merge(request.user)
    m = merge.customer_merge(
        actor=request.user,
        survivor=survivor,
        merged=merged,
        survivor_version=payload.survivor_version,
        merged_version=payload.merged_version,
        take_from_merged=payload.take,
    )
    return Status(201, _merge_out(m))


@router.post("/customers/merges/{merge_id}/undo", response={200: MergeOut, **WRITE_ERRORS})
def customer_merge_undo(request: HttpRequest, merge_id: int) -> Any:
    m = selectors.merge_get_for_user(user=request.user, pk=merge_id)
    require_merge(request.user)
    return _merge_out(merge.customer_merge_undo(merge=m, actor=request.user))


# --- import (CUS-7) ----------------------------------------------------------------------


class ImportKind(StrEnum):
    customers = "customers"
    contacts = "contacts"


@router.post("/customers/import", response={202: JobStartedOut, **WRITE_ERRORS})
def customer_import(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[ImportKind] = ImportKind.customers,
    mapping: Form[str] = "",
    dry_run: Form[bool] = False,
) -> Any:
    """Import customers or contacts from a CSV (UTF-8 or GB18030) or XLSX file, all or none.

    Answers 202 with a job id at once; poll `/api/v1/jobs/{id}`. `mapping` is optional JSON
    {field: column header}; unmapped fields are found by their Chinese or English header.
    `dry_run` only checks. A failed job's `result.errors` lists each row's errors. The result
    also lists likely duplicates, which do not stop the import: `warning_count` and the first
    `warnings` (`row`, `reasons`, `message`, `customer_code` and `customer_name` — empty for a
    customer outside the caller's scope —, `other_row` for a row like an earlier one).
    """
    job = imports.import_start(
        user=request.user,
        kind=str(kind.value),
        upload=file,
        mapping=importfiles.parse_mapping_json(mapping.replace("\x00", "")),
        dry_run=dry_run,
    )
    return Status(202, {"job_id": job.pk})


_TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/customers/import/template",
    response={**ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "An empty import file with Chinese headers and an example row.",
                "content": {t: {} for t in _TEMPLATE_TYPES.values()},
            }
        }
    },
)
def customer_import_template(
    request: HttpRequest,
    kind: ImportKind = ImportKind.customers,
    format: ExportFormat = ExportFormat.csv,
) -> Any:
    imports.import_require(request.user, str(kind.value))
    return import_template_response(str(kind.value), str(format.value))


def import_template_response(kind: str, fmt: str) -> HttpResponse:
    columns = importfiles.columns_of(kind)
    if fmt == "xlsx":
        body = importfiles.template_xlsx(columns, importfiles.TITLES[importfiles.Kind(kind)])
    else:
        fmt, body = "csv", importfiles.template_csv(columns)
    response = HttpResponse(body, content_type=_TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{importfiles.template_filename(kind, fmt)}"'
    )
    return response


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def customer_detail(request: HttpRequest, customer_id: int) -> Any:
    customer = selectors.customer_get_for_user(user=request.user, pk=customer_id)
    return _customer_out(customer, sensitive=selectors.can_see_sensitive(request.user))


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **WRITE_ERRORS})
def customer_patch(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    customer = selectors.customer_get_for_user(user=request.user, pk=customer_id)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    sent = payload.dict(exclude_unset=True, exclude={"version", "force"})
    if "name" in sent and sent["name"] is None:
        del sent["name"]
    data, units = _resolve(request.user, sent)
    services.customer_update(
        customer=customer,
        version=payload.version,
        actor=request.user,
        units_served=units,
        allow_duplicates=payload.force,
        **data,
    )
    # Read back through the selector: the update may have moved it out of the caller's scope.
    updated = selectors.customer_get_for_user(user=request.user, pk=customer.pk)
    return _customer_out(updated, sensitive=selectors.can_see_sensitive(request.user))


@router.delete("/customers/{customer_id}", response={204: None, **WRITE_ERRORS})
def customer_delete(request: HttpRequest, customer_id: int) -> Any:
    customer = selectors.customer_get_for_user(user=request.user, pk=customer_id)
    require(request.user, Module.CUSTOMERS, Action.DELETE)
    services.customer_delete(customer=customer, actor=request.user)
    return Status(204, None)


# --- contacts ----------------------------------------------------------------------------


@router.get("/customers/{customer_id}/contacts", response={200: list[ContactOut], **ERRORS})
def customer_contacts(request: HttpRequest, customer_id: int) -> Any:
    customer = selectors.customer_get_for_user(user=request.user, pk=customer_id)
    return list(selectors.contacts_of(customer)[:500])


@router.post("/customers/{customer_id}/contacts", response={201: ContactOut, **WRITE_ERRORS})
def contact_create(request: HttpRequest, customer_id: int, payload: ContactIn) -> Any:
    customer = selectors.customer_get_for_user(user=request.user, pk=customer_id)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    data = payload.dict()
    _check_birthday(data.get("birthday"))
    contact = services.contact_create(customer=customer, actor=request.user, **data)
    contact.refresh_from_db()
    return Status(201, contact)


@router.get("/contacts", response={200: PageOut[ContactOut], **ERRORS})
def contact_list(
    request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 20, search: str = ""
) -> Any:
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    qs = selectors.contacts_for_user(request.user, search=search[:100])
    return page_out(qs, page, page_size, _contact_out)


def _check_birthday(value: date | None) -> None:
    if value is not None and not (date(1900, 1, 1) <= value <= timezone.localdate()):
        raise ValidationFailed(fields={"birthday": [_("Enter a date between 1900 and today.")]})


# --- interactions ------------------------------------------------------------------------


@router.get(
    "/customers/{customer_id}/interactions", response={200: PageOut[InteractionOut], **ERRORS}
)
def customer_interactions(
    request: HttpRequest, customer_id: int, page: PageNumber = 1, page_size: PageSize = 20
) -> Any:
    customer = selectors.customer_get_for_user(user=request.user, pk=customer_id)
    return page_out(selectors.interactions_of(customer), page, page_size, _interaction_out)


@router.post(
    "/customers/{customer_id}/interactions", response={201: InteractionOut, **WRITE_ERRORS}
)
def interaction_create(request: HttpRequest, customer_id: int, payload: InteractionIn) -> Any:
    customer = selectors.customer_get_for_user(user=request.user, pk=customer_id)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    occurred_at = payload.occurred_at
    if not (date(1990, 1, 1) <= occurred_at.date() <= date(2100, 1, 1)):
        raise ValidationFailed(fields={"occurred_at": [_("Enter a time between 1990 and 2100.")]})
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    contact = None
    if payload.contact_id is not None:
        contact = selectors.contacts_of(customer).filter(pk=payload.contact_id).first()
        if contact is None:
            raise ValidationFailed(
                fields={"contact_id": [_("This contact belongs to another customer.")]}
            )
    item = services.interaction_create(
        customer=customer,
        actor=request.user,
        channel=payload.channel,
        direction=payload.direction,
        occurred_at=occurred_at,
        summary=payload.summary,
        contact=contact,
    )
    return Status(201, _interaction_out(item))
