"""API shapes of carts, checkout, orders, addresses and promo codes. Money is a decimal string
with exactly the currency's minor unit of places (money.as_text)."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictInt

from vitrina.shop import money

# --- Orders (the orders API reuses OrderOut) -----------------------------------------------------


class OrderLineOut(Schema):
    variant_id: int | None
    product_id: int | None
    title: str
    variant_name: str
    sku: str
    quantity: int
    unit_price: str
    line_total: str

    @staticmethod
    def resolve_unit_price(obj):
        return money.as_text(obj.unit_price, obj.order.currency)

    @staticmethod
    def resolve_line_total(obj):
        return money.as_text(obj.line_total, obj.order.currency)


class PaymentOut(Schema):
    provider: str
    status: str
    amount: str
    currency: str
    reference: str

    @staticmethod
    def resolve_amount(obj):
        return money.as_text(obj.amount, obj.currency)


def _money(name):
    return staticmethod(lambda obj: money.as_text(getattr(obj, name), obj.currency))


class OrderOut(Schema):
    id: int
    number: str
    status: str
    seller: str = Field(description="The seller's username")
    buyer: str = Field(description="The buyer's username")
    lines: list[OrderLineOut]
    subtotal: str
    discount: str
    delivery_price: str
    total: str
    currency: str
    payment_method: str
    delivery_method: str
    delivery_name: str
    shipping_address: dict
    promo_code: str | None
    note: str
    tracking: str
    payment: PaymentOut | None
    bank_details: str = Field(description="The seller's transfer details, for bank transfer orders")
    expires_at: datetime | None = Field(description="When an unpaid card order expires")
    created_at: datetime
    url: str

    resolve_subtotal = _money("subtotal")
    resolve_discount = _money("discount")
    resolve_delivery_price = _money("delivery_price")
    resolve_total = _money("total")

    @staticmethod
    def resolve_seller(obj):
        return obj.shop.owner.username

    @staticmethod
    def resolve_buyer(obj):
        return obj.buyer.username

    @staticmethod
    def resolve_lines(obj):
        # A just-placed order carries the lines it wrote (checkout._place).
        placed = getattr(obj, "placed_lines", None)
        return placed if placed is not None else list(obj.lines.all())

    @staticmethod
    def resolve_promo_code(obj):
        return obj.promo_code.code if obj.promo_code_id else None

    @staticmethod
    def resolve_payment(obj):
        return getattr(obj, "payment", None)

    @staticmethod
    def resolve_bank_details(obj):
        return obj.shop.bank_details if obj.payment_method == "bank_transfer" else ""

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class CheckoutIn(Schema):
    seller: str = Field(description="The seller's username")
    shipping_address: int | None = Field(None, description="An id of the buyer's addresses; none for pickup")
    delivery_method: str = Field(description="The code of one of the shop's delivery methods (pickup, courier...)")
    payment_method: str = Field(description="cod, bank_transfer or card, as the shop accepts")
    promo_code: str | None = None
    note: str = ""
    expected_total: str | None = Field(None, description="The total the buyer saw; a different one is 409 "
                                                         "price_changed and nothing is placed")
    currency: str | None = Field(None, description="The currency the buyer saw; another is 422 currency_mismatch")


# --- Cart --------------------------------------------------------------------------------------


class CartItemIn(Schema):
    variant_id: StrictInt
    quantity: StrictInt = Field(description="A whole number from 1 to 999")


class CartItemPatch(Schema):
    quantity: StrictInt


class CartLineOut(Schema):
    id: int
    variant_id: int
    product_id: int
    title: str
    variant_name: str
    sku: str
    quantity: int
    unit_price: str
    line_total: str
    stock: int
    available: bool
    problem: str = Field(description="Why it cannot be bought now: unavailable, out_of_stock, insufficient_stock; "
                                     "empty when it can")
    url: str


class SellerCartOut(Schema):
    seller: str
    seller_name: str
    currency: str
    lines: list[CartLineOut]
    subtotal: str = Field(description="The lines that can be bought now")
    item_count: int


class CartOut(Schema):
    sellers: list[SellerCartOut]
    item_count: int


# --- Addresses ---------------------------------------------------------------------------------


class AddressIn(Schema):
    name: str
    phone: str = ""
    line1: str
    line2: str = ""
    city: str
    region: str = ""
    postal_code: str = ""
    country: str = Field(description="ISO 3166-1 alpha-2, such as RU or BD")
    is_default: bool = False


class AddressPatch(Schema):
    name: str | None = None
    phone: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    is_default: bool | None = None


class AddressOut(Schema):
    id: int
    name: str
    phone: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    is_default: bool


class AddressList(Schema):
    items: list[AddressOut]
    next_cursor: str | None


# --- Promo codes -------------------------------------------------------------------------------


class PromoIn(Schema):
    code: str
    kind: str = Field(description="percent or fixed")
    value: str = Field(description="A percentage (0 < v ≤ 100) or an amount in the shop's currency")
    min_subtotal: str = "0"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None


class PromoOut(Schema):
    id: int
    code: str
    kind: str
    value: str
    min_subtotal: str
    starts_at: datetime | None
    ends_at: datetime | None
    max_uses: int | None
    used_count: int
    is_active: bool

    @staticmethod
    def resolve_value(obj):
        return f"{obj.value.normalize():f}" if obj.kind == "percent" else money.as_text(obj.value, obj.shop.currency)

    @staticmethod
    def resolve_min_subtotal(obj):
        return money.as_text(obj.min_subtotal, obj.shop.currency)


class PromoList(Schema):
    items: list[PromoOut]
    next_cursor: str | None
