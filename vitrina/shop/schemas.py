"""API shapes of the catalog. Products are built as dicts by product_data, which knows the viewer:
stock numbers go only to the shop's owner, everyone else sees a stock state per variant."""

from datetime import datetime

from ninja import Field, Schema

from vitrina.media.images import url_of
from vitrina.shop import money
from vitrina.shop.models import Product, ProductVariant

# "Only N left" from this many units down.
LOW_STOCK = 5


def stock_state(stock: int) -> str:
    return "sold_out" if stock <= 0 else "low" if stock <= LOW_STOCK else "in_stock"


class VariantOut(Schema):
    id: int
    name: str
    sku: str
    price: str
    is_active: bool
    in_stock: bool
    stock_state: str = Field(description="in_stock, low (left says how many) or sold_out")
    left: int | None = Field(None, description="Units left when the stock is low")
    stock: int | None = Field(None, description="The stock itself: only for the shop's owner")


class ImageOut(Schema):
    id: int
    width: int
    height: int
    blurhash: str
    alt_text: str
    urls: dict[str, dict[str, str]]


class SellerOut(Schema):
    username: str
    display_name: str
    avatar_url: str


class RatingOut(Schema):
    average: float | None
    count: int


class ProductOut(Schema):
    id: int
    title: str
    description: str
    category: str
    status: str
    currency: str
    price: str | None = Field(description="The lowest price of the variants on sale, a decimal string")
    in_stock: bool
    images: list[ImageOut]
    variants: list[VariantOut]
    seller: SellerOut
    rating: RatingOut
    url: str
    created_at: datetime


class ProductList(Schema):
    items: list[ProductOut]
    next_cursor: str | None


def rating(total: int, count: int) -> dict:
    return {"average": round(total / count, 1) if count else None, "count": count}


def variants_shown(product: Product, *, owner: bool) -> list[ProductVariant]:
    """The owner sees every variant; buyers only those on sale."""
    return [v for v in product.variants.all() if owner or v.is_active]


def lowest_price(product: Product):
    low = getattr(product, "low_price", None)
    if low is None:
        prices = [v.price for v in product.variants.all() if v.is_active]
        low = min(prices) if prices else None
    return low


def _variant(variant: ProductVariant, currency: str, *, owner: bool) -> dict:
    state = stock_state(variant.stock)
    return {"id": variant.pk, "name": variant.name, "sku": variant.sku,
            "price": money.as_text(variant.price, currency), "is_active": variant.is_active,
            "in_stock": variant.stock > 0, "stock_state": state,
            "left": variant.stock if state == "low" else None, "stock": variant.stock if owner else None}


def product_data(product: Product, *, viewer) -> dict:
    """One product as the API shows it to `viewer` (a product read through selectors.with_details)."""
    shop = product.shop
    seller = shop.owner
    owner = getattr(viewer, "pk", None) == seller.pk
    currency = shop.currency
    low = lowest_price(product)
    variants = variants_shown(product, owner=owner)
    return {
        "id": product.pk, "title": product.title, "description": product.description, "category": product.category,
        "status": product.status, "currency": currency,
        "price": money.as_text(low, currency) if low is not None else None,
        "in_stock": any(v.is_active and v.stock > 0 for v in product.variants.all()),
        "images": [{"id": i.pk, "width": i.width, "height": i.height, "blurhash": i.blurhash, "alt_text": i.alt_text,
                    "urls": i.signed_urls()} for i in product.images.all()],
        "variants": [_variant(v, currency, owner=owner) for v in variants],
        "seller": {"username": seller.username, "display_name": seller.display_name,
                   "avatar_url": url_of(seller.avatar)},
        "rating": rating(product.rating_total, product.rating_count),
        "url": product.get_absolute_url(), "created_at": product.created_at,
    }


class ProductIn(Schema):
    title: str
    description: str = ""
    category: str = ""
    currency: str = ""
    status: str = "active"
    variants: list[dict] = Field(description="[{name, sku, price, stock}]")


class ProductPatch(Schema):
    title: str | None = None
    description: str | None = None
    category: str | None = None
    status: str | None = None
    variants: list[dict] | None = Field(
        None, description="Each {id, name?, sku?, price?, stock?, is_active?} edits that variant; "
                          "one without id ({name, sku, price, stock}) adds a variant. Others are left as they are.")


class ImageOrderIn(Schema):
    image_ids: list[int]


class DeleteOut(Schema):
    result: str = Field(description="deleted, or archived when orders name the product")


class CollectionOut(Schema):
    id: int
    title: str
    product_ids: list[int]

    @staticmethod
    def resolve_product_ids(obj):
        return sorted(p.pk for p in obj.products.all())


class CollectionList(Schema):
    items: list[CollectionOut]
    next_cursor: str | None = None


class CollectionIn(Schema):
    title: str
    product_ids: list[int] | None = None


class CollectionPatch(Schema):
    title: str | None = None
    product_ids: list[int] | None = None
    add: list[int] | None = None
    remove: list[int] | None = None


class DeliveryMethodOut(Schema):
    id: int
    code: str
    name: str
    price: str
    is_active: bool

    @staticmethod
    def resolve_price(obj):
        return money.as_text(obj.price, obj.shop.currency)


class DeliveryMethodList(Schema):
    items: list[DeliveryMethodOut]
    next_cursor: str | None = None


class DeliveryMethodIn(Schema):
    name: str
    price: str | int | float = "0"
    code: str = ""


class DeliveryMethodPatch(Schema):
    name: str | None = None
    price: str | int | float | None = None
    is_active: bool | None = None


class ShopSettingsOut(Schema):
    currency: str
    accepts_cod: bool
    accepts_bank_transfer: bool
    accepts_card: bool
    bank_details: str
    rating: RatingOut
    delivery_methods: list[DeliveryMethodOut]

    @staticmethod
    def resolve_rating(obj):
        return rating(obj.rating_total, obj.rating_count)

    @staticmethod
    def resolve_delivery_methods(obj):
        return list(obj.delivery_methods.order_by("id"))


class ShopSettingsPatch(Schema):
    accepts_cod: bool | None = None
    accepts_bank_transfer: bool | None = None
    accepts_card: bool | None = None
    bank_details: str | None = None
