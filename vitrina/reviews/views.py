"""The review forms' posts (from {% order_reviews %}) and the page of a product's reviews.

The posts redirect back to the page they came from (PRG); a refused review or reply is kept
for that page to show under its form (vitrina.reviews.forms).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.http import safe_next
from vitrina.core.views import not_found_as_404
from vitrina.orders.cart_views import form_int
from vitrina.orders.selectors import order_for_buyer
from vitrina.reviews import selectors, services
from vitrina.reviews.forms import keep_failure


@login_required
@require_POST
@not_found_as_404
def review_create(request, number: str):
    order = order_for_buyer(buyer=request.user, number=number)
    back = safe_next(request, order.get_absolute_url())
    data = {name: request.POST.get(name, "") for name in ("line_id", "rating", "seller_rating", "text")}
    line_id = form_int(data["line_id"])
    try:
        services.review_create(buyer=request.user, order_id=order.pk, line_id=line_id,
                               rating=form_int(data["rating"]) if data["rating"] else None,
                               seller_rating=form_int(data["seller_rating"]) if data["seller_rating"] else None,
                               text=data["text"])
    except NotFound:
        raise
    except ServiceError as error:
        keep_failure(request, order_id=order.pk, target=f"line:{line_id}", error=error, data=data)
        return redirect(back)
    messages.success(request, _("Thank you for your review."))
    return redirect(back)


@login_required
@require_POST
@not_found_as_404
def review_reply(request, review_id: int):
    review = selectors.review_for_seller(seller=request.user, review_id=review_id)
    fallback = review.product.get_absolute_url() if review.product_id else "/"
    back = safe_next(request, fallback)
    text = request.POST.get("text", "")
    try:
        services.review_reply(seller=request.user, review_id=review.pk, text=text)
    except NotFound:
        raise
    except ServiceError as error:
        keep_failure(request, order_id=review.line.order_id, target=f"review:{review.pk}", error=error,
                     data={"text": text})
        return redirect(back)
    messages.success(request, _("Your reply is posted."))
    return redirect(back)


@not_found_as_404
def product_reviews(request, product_id: int):
    """Every review of a product, newest first, a page at a time (?cursor=)."""
    product = selectors.product_visible(viewer=request.user, product_id=product_id)
    page = selectors.reviews_of_product(viewer=request.user, product=product, cursor=request.GET.get("cursor"),
                                        limit=20)
    return render(request, "reviews/product_reviews.html",
                  {"product": product, "page": page, "rating": selectors.rating_of(product)})
