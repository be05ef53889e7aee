"""Reviews on other apps' pages.

STUB (interface; the reviews work fills it in):
- {% product_reviews product %} on the product page: the average, the count and the latest reviews with replies.
- {% order_reviews order %} on the order page: the buyer's review forms once delivered, the seller's reply forms.
"""

from django import template

register = template.Library()


@register.inclusion_tag("reviews/_product_reviews.html", takes_context=True)
def product_reviews(context, product):
    return {"product": product, "request": context.get("request")}


@register.inclusion_tag("reviews/_order_reviews.html", takes_context=True)
def order_reviews(context, order):
    return {"order": order, "request": context.get("request")}
