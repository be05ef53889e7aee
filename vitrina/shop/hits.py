"""What opening a product counts in its shop's insights, for the product page and the API alike."""

from vitrina.insights import recording
from vitrina.insights.models import Kind


def product_opened(viewer, item, *, via: str = "") -> None:
    """A product view; and a tap on a product tag when the reader came from one (`via=tag`)."""
    owner_id = item.shop.owner_id
    if via == "tag":  # from a product tag on a photo (posts/_photo_tags.html, or an app's tag)
        recording.hit_by(viewer, kind=Kind.TAG_TAP, account_id=owner_id, product_id=item.pk, source="post")
    recording.hit_by(viewer, kind=Kind.PRODUCT_VIEW, account_id=owner_id, product_id=item.pk, source="shop")
