"""Which provider class serves each payment method: built-in defaults, overridden one method at a
time by settings.PAYMENT_PROVIDERS (a dotted path per method), read on each call so that tests and
deployments can swap a provider without a restart of the import machinery."""

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from vitrina.core.errors import NotFound
from vitrina.orders.models import PaymentMethod
from vitrina.orders.payments.base import Provider

DEFAULT_PROVIDERS = {
    PaymentMethod.COD: "vitrina.orders.payments.builtin.CashOnDelivery",
    PaymentMethod.BANK_TRANSFER: "vitrina.orders.payments.builtin.BankTransfer",
    PaymentMethod.CARD: "vitrina.orders.payments.sandbox.SandboxCard",
}


@lru_cache(maxsize=32)
def _instance(path: str) -> Provider:
    provider = import_string(path)()
    if not isinstance(provider, Provider) or not provider.name:
        raise TypeError(f"{path} is not a payments.base.Provider with a name")
    return provider


def configured() -> dict[str, str]:
    """Dotted paths by payment method: the defaults with the setting's overrides."""
    return {**DEFAULT_PROVIDERS, **getattr(settings, "PAYMENT_PROVIDERS", {})}


def provider_for(method: str) -> Provider:
    """The provider that takes payments made with `method` (cod, bank_transfer, card)."""
    path = configured().get(method)
    if path is None:
        raise KeyError(f"no payment provider for {method!r}")
    return _instance(path)


def provider_named(name: str) -> Provider:
    """A configured provider by its name (the {provider} of the webhook URL, Payment.provider);
    NotFound for a name no configured provider has."""
    for path in configured().values():
        provider = _instance(path)
        if provider.name == name:
            return provider
    raise NotFound(_("There is no such payment provider."), code="provider_not_found")
