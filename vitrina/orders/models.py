"""Carts, addresses, promo codes, orders with their lines and events, payments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vitrina.shop.models import Product, ProductVariant, Shop, money_field

MAX_CART_QUANTITY = 999


class Address(models.Model):
    """A buyer's saved shipping address; an order keeps a copy (Order.shipping_address)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32, blank=True)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def as_snapshot(self) -> dict:
        return {field: getattr(self, field) for field in
                ("name", "phone", "line1", "line2", "city", "region", "postal_code", "country")}


class CartLine(models.Model):
    """One variant in a buyer's cart (one cart per buyer; the cart is grouped by seller when read)."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_lines")
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="cart_lines")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "variant"], name="cart_line_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1, quantity__lte=MAX_CART_QUANTITY),
                                   name="cart_quantity_range"),
        ]


class PromoKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class PromoCode(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(max_length=32)  # stored upper-case; matched case-insensitively
    kind = models.CharField(max_length=8, choices=PromoKind.choices)
    value = money_field()  # percent (0 < v ≤ 100) or an amount in the shop's currency
    min_subtotal = money_field(default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    # Raised in the order's transaction by a conditional UPDATE, so the limit holds under races.
    used_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "code"], name="promo_code_per_shop"),
            models.CheckConstraint(condition=Q(max_uses__isnull=True) | Q(used_count__lte=models.F("max_uses")),
                                   name="promo_used_within_limit"),
        ]

    def __str__(self):
        return self.code


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    CONFIRMED = "confirmed", _("Confirmed")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Cash on delivery")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")


class Order(models.Model):
    """One checkout of one seller's lines. Money fields are in `currency`, exact to its minor unit."""

    number = models.CharField(max_length=20, unique=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    currency = models.CharField(max_length=3)
    subtotal = money_field()
    discount = money_field(default=0)
    delivery_price = money_field(default=0)
    total = money_field()
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    delivery_method = models.CharField(max_length=32)  # the DeliveryMethod's code
    delivery_name = models.CharField(max_length=80)
    shipping_address = models.JSONField(default=dict)  # Address.as_snapshot() at placement
    promo_code = models.ForeignKey(PromoCode, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="orders")
    tracking = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True)  # the buyer's note to the seller
    # Idempotency: the buyer's key and a fingerprint of the request that made the order.
    idempotency_key = models.CharField(max_length=100)
    request_fingerprint = models.CharField(max_length=64)
    # Unpaid card orders are cancelled after this time and their stock released (orders.tasks).
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "idempotency_key"], name="order_idempotency_key"),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["buyer", "-id"], name="order_buyer_recent"),
            models.Index(fields=["shop", "status", "-id"], name="order_shop_status"),
            models.Index(fields=["status", "expires_at"], name="order_expiry"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.number])


class OrderLine(models.Model):
    """A variant bought, with the title and price as they were at placement."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(ProductVariant, on_delete=models.SET_NULL, null=True, related_name="order_lines")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, related_name="order_lines")
    title = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=100, blank=True)
    sku = models.CharField(max_length=64)
    unit_price = money_field()
    quantity = models.PositiveIntegerField()
    line_total = money_field()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive")]


class OrderEvent(models.Model):
    """One change of an order's status: who (None for the system), when, from, to."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    from_status = models.CharField(max_length=16, blank=True)  # blank for the placement itself
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AUTHORIZED = "authorized", _("Authorized")
    CAPTURED = "captured", _("Captured")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")


class Payment(models.Model):
    """An order's payment through one provider (orders.payments)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="payment")
    provider = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = money_field()
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=100, blank=True)  # the provider's id of the payment
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "reference"], condition=~Q(reference=""),
                                               name="payment_reference_per_provider")]


class WebhookEvent(models.Model):
    """A provider's webhook event applied once: a replayed id finds its row and changes nothing."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")]
