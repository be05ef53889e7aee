"""Reads of the catalog that check who may see what (vitrina.social.visibility, through
Product.objects.visible_to)."""

from django.utils.translation import gettext as _

from vitrina.core.errors import NotFound
from vitrina.shop.models import Product


def not_available() -> NotFound:
    return NotFound(_("This product is not available."))


def product_get(*, viewer, product_id: int) -> Product:
    """An active product the viewer may see, or NotFound (also for drafts and archived products,
    except for the shop's owner, who sees all of theirs)."""
    owned = Product.objects.filter(pk=product_id, shop__owner_id=getattr(viewer, "pk", None))
    product = (owned.first() if viewer is not None and viewer.is_authenticated else None) \
        or Product.objects.visible_to(viewer).filter(pk=product_id).first()
    if product is None:
        raise not_available()
    return product
