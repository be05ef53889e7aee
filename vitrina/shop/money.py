"""Money: a Decimal amount in an ISO 4217 currency, exact to the currency's minor unit.

Precision and symbols come from Babel's CLDR data (JPY has no minor unit, KWD three),
never from a table written here.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.utils.translation import get_language, to_locale

# Stored amounts allow three decimals (KWD, BHD, OMR...) and up to 10^11 in the major unit.
MAX_DIGITS = 14
DECIMAL_PLACES = 3


def is_currency(code: str) -> bool:
    return isinstance(code, str) and len(code) == 3 and code.isupper() and code in list_currencies()


def minor_unit(currency: str) -> int:
    """Decimal places of the currency (JPY 0, USD 2, KWD 3)."""
    return get_currency_precision(currency)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to the currency's minor unit."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def is_exact(amount: Decimal, currency: str) -> bool:
    """True when `amount` has no digits below the currency's minor unit (10.5 JPY is not)."""
    try:
        return Decimal(amount) == Decimal(amount).quantize(quantum(currency))
    except InvalidOperation:
        return False


def as_text(amount: Decimal, currency: str) -> str:
    """The API's decimal string: exactly the currency's minor unit of places ("1500", "12.50", "1.250")."""
    return str(quantize(amount, currency))


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    """`amount` for a reader in `language` (the active one by default): 1 234,50 ₽, ৳1,234.50, ¥1,500."""
    locale = to_locale(language or get_language() or "en")
    return format_currency(quantize(amount, currency), currency, locale=locale,
                           currency_digits=True, format_type="standard")
