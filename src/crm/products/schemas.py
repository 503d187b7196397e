"""API shapes of the catalogue, price lists and customer prices: input and output kept apart."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictBool, StringConstraints

from crm.api.schemas import InputSchema
from crm.customers.schemas import ChoiceOut, Id, IsoDate, Ref

Price = Annotated[Decimal, Field(gt=0, lt=Decimal(10) ** 14, decimal_places=4)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
SortOrder = Annotated[int, Field(ge=0, le=2**31 - 1, strict=True)]
Name60 = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class UomRef(Schema):
    id: int
    code: str
    name: str


class UomOut(UomRef):
    active: bool
    sort_order: int


class UomIn(InputSchema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    active: StrictBool = True
    sort_order: SortOrder = 0


class UomPatch(InputSchema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=10)] | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None
    active: StrictBool | None = None
    sort_order: SortOrder | None = None


class BrandOut(Schema):
    id: int
    name: str
    active: bool
    sort_order: int
    version: int


class BrandIn(InputSchema):
    name: Name60
    active: StrictBool = True
    sort_order: SortOrder = 0


class BrandPatch(InputSchema):
    version: Version
    name: Name60 | None = None
    active: StrictBool | None = None
    sort_order: SortOrder | None = None


class SeriesOut(BrandOut):
    brand: Ref


class SeriesIn(BrandIn):
    brand_id: Id


class SeriesPatch(BrandPatch):
    pass


class ProductRef(Schema):
    id: int
    code: str
    name: str


class ProductOut(ProductRef):
    brand: Ref | None
    series: Ref | None
    specification: str
    unit: UomRef
    list_price: Decimal
    active: bool
    description: str
    warranty_months: int
    created_at: datetime
    updated_at: datetime
    version: int


class ProductFields(InputSchema):
    brand_id: Id | None = None
    series_id: Id | None = None
    specification: Annotated[str, StringConstraints(max_length=200)] = ""
    active: StrictBool = True
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    warranty_months: Annotated[int, Field(ge=0, le=600)] = 0


class ProductIn(ProductFields):
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    unit_id: Id
    list_price: Price


class ProductPatch(ProductFields):
    """Only the fields sent are changed; `version` is the one the client last read."""

    version: Version
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    unit_id: Id | None = None
    list_price: Price | None = None


class PriceQuoteOut(Schema):
    product_id: int
    customer_id: int
    on: date
    price: Decimal
    # "customer" (an agreed customer price), "price_list" or "list_price"
    source: str
    source_label: str
    # the customer price's or the price list's id; null for the list price
    source_id: int | None


class EffectivePriceOut(Schema):
    product: ProductRef
    specification: str
    unit: UomRef
    list_price: Decimal
    price: Decimal
    source: str
    source_label: str
    source_id: int | None


class PriceListOut(Schema):
    id: int
    name: str
    business_unit: Ref | None
    rating: ChoiceOut | None
    region: ChoiceOut | None
    valid_from: date
    valid_to: date | None
    active: bool
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int


class PriceListFields(InputSchema):
    business_unit_id: Id | None = None
    rating_id: Id | None = None
    region_id: Id | None = None
    valid_to: IsoDate | None = None
    active: StrictBool = True
    notes: Annotated[str, StringConstraints(max_length=2000)] = ""


class PriceListIn(PriceListFields):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    valid_from: IsoDate


class PriceListPatch(PriceListFields):
    version: Version
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    valid_from: IsoDate | None = None


class PriceListItemOut(Schema):
    id: int
    price_list_id: int
    product: ProductRef
    price: Decimal
    updated_at: datetime


class PriceListItemIn(InputSchema):
    product_id: Id
    price: Price


class CustomerPriceOut(Schema):
    id: int
    customer_id: int
    product: ProductRef
    price: Decimal
    valid_from: date
    valid_to: date | None
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int


class CustomerPriceIn(InputSchema):
    product_id: Id
    price: Price
    valid_from: IsoDate | None = None  # default: today
    valid_to: IsoDate | None = None
    notes: Annotated[str, StringConstraints(max_length=200)] = ""


class CustomerPricePatch(InputSchema):
    version: Version
    price: Price | None = None
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    notes: Annotated[str, StringConstraints(max_length=200)] | None = None
