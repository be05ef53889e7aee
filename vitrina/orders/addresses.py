"""A buyer's saved shipping addresses. Only the owner reads or changes them; another's id is 404."""

from django.db import transaction
from django.utils.translation import gettext as _

from vitrina.core.errors import NotFound
from vitrina.core.text import clean_text
from vitrina.orders.cart import invalid, parse_id
from vitrina.orders.models import Address

MAX_ADDRESSES = 20
FIELDS = {  # field: (max length, required)
    "name": (120, True),
    "phone": (32, False),
    "line1": (200, True),
    "line2": (200, False),
    "city": (100, True),
    "region": (100, False),
    "postal_code": (20, False),
    "country": (2, True),
}


def _clean(data: dict, *, partial: bool) -> dict:
    cleaned = {}
    for name, (limit, required) in FIELDS.items():
        if name not in data:
            if required and not partial:
                raise invalid(name, _("This field is required."), code="required")
            continue
        raw = data[name]
        value = clean_text(raw if isinstance(raw, str) else "", multiline=False)
        if raw is not None and not isinstance(raw, str):
            raise invalid(name, _("Give this as text."))
        if required and not value:
            raise invalid(name, _("This field is required."), code="required")
        if len(value) > limit:
            raise invalid(name, _("At most %(max)s characters.") % {"max": limit})
        if name == "country":
            value = value.upper()
            if not (len(value) == 2 and value.isascii() and value.isalpha()):
                raise invalid(name, _("Give the country as a two-letter code, such as RU or BD."))
        cleaned[name] = value
    return cleaned


def addresses_of(*, owner) -> list[Address]:
    return list(Address.objects.filter(owner=owner).order_by("-is_default", "-id"))


def address_get(*, owner, address_id) -> Address:
    address = Address.objects.filter(pk=parse_id(address_id, field_name="address_id"), owner=owner).first()
    if address is None:
        raise NotFound(_("This address does not exist."))
    return address


def _make_default(address: Address) -> None:
    Address.objects.filter(owner_id=address.owner_id, is_default=True).exclude(pk=address.pk).update(is_default=False)


def address_create(*, owner, data: dict, is_default: bool = False) -> Address:
    """A new address; the first one is the default."""
    cleaned = _clean(data, partial=False)
    with transaction.atomic():
        count = Address.objects.filter(owner=owner).count()
        if count >= MAX_ADDRESSES:
            raise invalid("__all__", _("You can save at most %(max)s addresses.") % {"max": MAX_ADDRESSES},
                          code="too_many_addresses")
        address = Address.objects.create(owner=owner, is_default=bool(is_default) or count == 0, **cleaned)
        if address.is_default:
            _make_default(address)
    return address


def address_update(*, owner, address_id, data: dict, is_default: bool | None = None) -> Address:
    address = address_get(owner=owner, address_id=address_id)
    cleaned = _clean(data, partial=True)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(address, name, value)
        if is_default:
            address.is_default = True
        address.save()
        if address.is_default:
            _make_default(address)
    return address


def address_delete(*, owner, address_id) -> None:
    """Delete; if it was the default, the newest remaining address becomes the default.
    Orders keep their own copy (Order.shipping_address)."""
    address = address_get(owner=owner, address_id=address_id)
    with transaction.atomic():
        address.delete()
        if address.is_default:
            newest = Address.objects.filter(owner=owner).order_by("-id").first()
            if newest is not None:
                Address.objects.filter(pk=newest.pk).update(is_default=True)


def default_address(*, owner) -> Address | None:
    return Address.objects.filter(owner=owner).order_by("-is_default", "-id").first()
