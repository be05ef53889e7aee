"""Reviews of a delivered order's lines: the buyer rates the product and the seller; the seller replies once."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from vitrina.orders.models import OrderLine
from vitrina.shop.models import Product, Shop

TEXT_MAX = 2000


class Review(models.Model):
    line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="review")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, related_name="reviews")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reviews")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()  # the product, 1..5
    seller_rating = models.PositiveSmallIntegerField()  # the seller, 1..5
    text = models.TextField(max_length=TEXT_MAX, blank=True)
    reply = models.TextField(max_length=TEXT_MAX, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"),
            models.CheckConstraint(condition=Q(seller_rating__gte=1, seller_rating__lte=5),
                                   name="review_seller_rating_range"),
        ]
        indexes = [
            models.Index(fields=["product", "-id"], name="review_product_recent"),
            models.Index(fields=["shop", "-id"], name="review_shop_recent"),
        ]
