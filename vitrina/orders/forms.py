"""Forms of the address and promo code pages: they label and carry the fields; the services check them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.orders.models import PromoKind


class AddressForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    line1 = forms.CharField(label=_("Address"), max_length=200,
                            widget=forms.TextInput(attrs={"autocomplete": "address-line1"}))
    line2 = forms.CharField(label=_("Apartment, floor (optional)"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "address-line2"}))
    city = forms.CharField(label=_("City"), max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    region = forms.CharField(label=_("Region (optional)"), max_length=100, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "address-level1"}))
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    country = forms.CharField(label=_("Country code"), max_length=2, help_text=_("Two letters, such as RU or BD."),
                              widget=forms.TextInput(attrs={"autocomplete": "country"}))
    is_default = forms.BooleanField(label=_("Use by default"), required=False)


class PromoForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Discount"), choices=PromoKind.choices, widget=forms.RadioSelect,
                             initial=PromoKind.PERCENT)
    value = forms.CharField(label=_("Percent or amount"), max_length=20)
    min_subtotal = forms.CharField(label=_("Minimum order (optional)"), max_length=20, required=False)
    starts_at = forms.DateTimeField(label=_("Starts (optional)"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends (optional)"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    max_uses = forms.IntegerField(label=_("Uses at most (optional)"), required=False, min_value=1)
