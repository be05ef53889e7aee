"""Pages of the catalog."""

from django.shortcuts import render

from vitrina.shop import selectors


def product(request, product_id: int):
    item = selectors.product_get(viewer=request.user, product_id=product_id)
    return render(request, "shop/product.html", {"product": item})
