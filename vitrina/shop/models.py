"""The catalog: a business account's shop, its products with variants and photos, collections,
delivery methods, and products tagged on post photos."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vitrina.posts.models import FORMATS, variant_urls
from vitrina.shop.money import DECIMAL_PLACES, MAX_DIGITS
from vitrina.social import visibility

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
CATEGORY_MAX = 60
SKU_MAX = 64
VARIANT_NAME_MAX = 100
MAX_VARIANTS = 100
MAX_PRODUCT_IMAGES = 10
# Instagram's limit: a photo carries at most five product tags.
MAX_TAGS_PER_PHOTO = 5


def money_field(**kwargs):
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


class Shop(models.Model):
    """A business account's shop; opened with one currency, which every product uses."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop")
    currency = models.CharField(max_length=3)
    # Payment methods the shop accepts; cash on delivery from the start (shared/API.md).
    accepts_cod = models.BooleanField(default=True)
    accepts_bank_transfer = models.BooleanField(default=False)
    accepts_card = models.BooleanField(default=False)
    # Shown to a buyer who chose bank transfer (account number, reference to quote).
    bank_details = models.TextField(max_length=1000, blank=True)
    # Seller ratings from reviews (vitrina.reviews.services keeps them with F()): average = total / count.
    rating_total = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"shop of {self.owner_id} ({self.currency})"


class DeliveryMethod(models.Model):
    """How an order reaches the buyer. Every shop starts with `pickup`, free."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="delivery_methods")
    code = models.SlugField(max_length=32)  # pickup, courier, post
    name = models.CharField(max_length=80)
    price = money_field(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "code"], name="delivery_method_code"),
            models.CheckConstraint(condition=Q(price__gte=0), name="delivery_price_not_negative"),
        ]


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class ProductQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """Active products whose shop owner's content the viewer may see (vitrina.social.visibility)."""
        return self.filter(visibility.content_q(viewer, account="shop__owner"), status=ProductStatus.ACTIVE)


class Product(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    category = models.CharField(max_length=CATEGORY_MAX, blank=True)
    status = models.CharField(max_length=16, choices=ProductStatus.choices, default=ProductStatus.ACTIVE)
    # Product ratings from reviews, as on Shop.
    rating_total = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["shop", "status", "-id"], name="product_shop_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("shop:product", args=[self.pk])


class ProductImage(models.Model):
    """A product photo, stored like a post's (media.images.store_photo_variants)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    blurhash = models.CharField(max_length=64)
    alt_text = models.CharField(max_length=300, blank=True)
    files = models.JSONField()  # as PostMedia.files

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["product", "position"], name="product_image_position")]

    def storage_names(self) -> list[str]:
        return sorted({name for variant in self.files.values() for key, name in variant.items() if key in FORMATS})

    def signed_urls(self) -> dict[str, dict[str, str]]:
        return variant_urls(self.files)


class ProductVariant(models.Model):
    """What is bought: one size × colour of a product, with its own SKU, price and stock.

    Stock changes only through the order services, under a row lock (PostgreSQL) or in an
    immediate transaction with a conditional UPDATE (SQLite); the CHECK is the last guard.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # The shop again, so that a SKU is unique per shop in the database.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=VARIANT_NAME_MAX, blank=True)
    sku = models.CharField(max_length=SKU_MAX)
    price = money_field()
    stock = models.IntegerField(default=0)
    # An archived variant stays for the orders that name it but cannot be bought.
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "sku"], name="variant_sku_per_shop"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.sku} ({self.name})" if self.name else self.sku


class Collection(models.Model):
    """A named group of a shop's products (Summer, Coffee beans), shown as tabs on the Shop tab."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="collections")
    title = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    products = models.ManyToManyField(Product, related_name="collections", blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["shop", "title"], name="collection_title_per_shop")]

    def __str__(self):
        return self.title


class ProductTag(models.Model):
    """A product tagged at a point of a post's photo by the post's author (its shop's owner).

    The post card carries a snapshot of its tags (Post.product_tags, written by
    vitrina.shop.tags); this row is the truth the snapshot is rebuilt from.
    """

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="product_tag_links")
    media = models.ForeignKey("posts.PostMedia", on_delete=models.CASCADE, related_name="product_tags")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="tags")
    x = models.FloatField()
    y = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["media", "product"], name="product_tag_once_per_photo"),
            models.CheckConstraint(condition=Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1), name="product_tag_in_photo"),
        ]
        indexes = [models.Index(fields=["product", "-post"], name="product_tag_recent")]
