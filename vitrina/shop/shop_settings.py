"""A shop's settings: the payment methods it accepts and its delivery methods."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core import throttle
from vitrina.core.errors import Forbidden, InvalidInput
from vitrina.core.text import clean_text
from vitrina.shop.collections import shop_of
from vitrina.shop.models import DeliveryMethod, Shop
from vitrina.shop.services import parse_price

BANK_DETAILS_MAX = 1000
DELIVERY_NAME_MAX = 80
MAX_DELIVERY_METHODS = 20
PICKUP = "pickup"


def _invalid(field: str, message: str, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def shop_settings_update(
    *, owner: User, accepts_cod: bool | None = None, accepts_bank_transfer: bool | None = None,
    accepts_card: bool | None = None, bank_details: str | None = None,
) -> Shop:
    """Payment methods: at least one stays on; bank transfer needs the details a buyer pays to."""
    shop = shop_of(owner)
    throttle.rate_limit(action="catalog", ident=owner.pk)
    for name, value in (("accepts_cod", accepts_cod), ("accepts_bank_transfer", accepts_bank_transfer),
                        ("accepts_card", accepts_card)):
        if value is not None:
            if not isinstance(value, bool):
                raise _invalid(name, _("Give true or false."))
            setattr(shop, name, value)
    if bank_details is not None:
        details = clean_text(bank_details if isinstance(bank_details, str) else "", multiline=True)
        if len(details) > BANK_DETAILS_MAX:
            raise _invalid("bank_details", _("At most %(max)s characters.") % {"max": BANK_DETAILS_MAX})
        shop.bank_details = details
    if not (shop.accepts_cod or shop.accepts_bank_transfer or shop.accepts_card):
        raise _invalid("accepts_cod", _("Accept at least one way to pay."), code="no_payment_method")
    if shop.accepts_bank_transfer and not shop.bank_details:
        raise _invalid("bank_details", _("Give the bank details buyers pay to."), code="bank_details_required")
    shop.save(update_fields=["accepts_cod", "accepts_bank_transfer", "accepts_card", "bank_details"])
    return shop


def _name(value) -> str:
    name = clean_text(value if isinstance(value, str) else "", multiline=False)
    if not name:
        raise _invalid("name", _("Give the delivery method a name."), code="required")
    if len(name) > DELIVERY_NAME_MAX:
        raise _invalid("name", _("At most %(max)s characters.") % {"max": DELIVERY_NAME_MAX})
    return name


def delivery_method_create(*, owner: User, name: str, price, code: str = "") -> DeliveryMethod:
    """A new way to deliver (courier, post), with its price in the shop's currency. The code names it in
    checkouts; made from the name when not given."""
    shop = shop_of(owner)
    throttle.rate_limit(action="catalog", ident=owner.pk)
    name = _name(name)
    code = slugify(code or name)[:32] or "delivery"
    if not code.isascii():
        raise _invalid("code", _("Use Latin letters, digits and hyphens."))
    price = parse_price(price, shop.currency)
    if shop.delivery_methods.count() >= MAX_DELIVERY_METHODS:
        raise _invalid("name", _("A shop can have at most %(max)s delivery methods.") % {"max": MAX_DELIVERY_METHODS},
                       code="too_many_delivery_methods")
    try:
        with transaction.atomic():
            return DeliveryMethod.objects.create(shop=shop, code=code, name=name, price=price)
    except IntegrityError:
        raise _invalid("code", _("Your shop already has a delivery method with this code."),
                       code="duplicate_code") from None


def delivery_method_update(*, method: DeliveryMethod, editor: User, name: str | None = None, price=None,
                           is_active: bool | None = None) -> DeliveryMethod:
    """Rename, reprice, switch off or on. `pickup` is never removed, and one method always stays on."""
    if method.shop.owner_id != editor.pk:
        raise Forbidden(_("Only the shop's owner can change its delivery methods."))
    throttle.rate_limit(action="catalog", ident=editor.pk)
    if name is not None:
        method.name = _name(name)
    if price is not None:
        method.price = parse_price(price, method.shop.currency)
    if is_active is not None:
        if not isinstance(is_active, bool):
            raise _invalid("is_active", _("Give true or false."))
        method.is_active = is_active
    with transaction.atomic():
        method.save(update_fields=["name", "price", "is_active"])
        if not method.shop.delivery_methods.filter(is_active=True).exists():
            raise _invalid("is_active", _("Keep at least one delivery method on."), code="no_delivery_method")
    return method
