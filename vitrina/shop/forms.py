"""Forms of "Your shop": they label and carry the fields; the services check them (vitrina.shop.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.shop.models import CATEGORY_MAX, DESCRIPTION_MAX, SKU_MAX, TITLE_MAX, VARIANT_NAME_MAX, ProductStatus

# Blank variant rows a new product's form starts with; "Add a row" adds one more (no JavaScript needed).
NEW_ROWS = 2
MAX_ROWS = 100


class ProductForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_MAX, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.CharField(label=_("Category (optional)"), max_length=CATEGORY_MAX, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ProductStatus.choices, initial=ProductStatus.ACTIVE,
                               widget=forms.RadioSelect)
    # Only while the shop is not open yet: its first product opens it in this currency.
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False,
        help_text=_("Your shop sells in one currency: an ISO 4217 code, such as RUB, BDT or USD."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))

    def __init__(self, *args, shop_open: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if shop_open:
            del self.fields["currency"]


class CollectionForm(forms.Form):
    title = forms.CharField(label=_("Name"), max_length=80)
    product_ids = forms.MultipleChoiceField(label=_("Products"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_ids"].choices = [(str(p.pk), p.title) for p in products]


def _form_int(raw):
    """A form's whole number as an int; anything else passed on as it is, for the service to refuse."""
    return int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 19 else raw


class VariantRow:
    """One row of the variants table: an existing variant (`id`) or a new one, as typed."""

    def __init__(self, index: int, *, id=None, name="", sku="", price="", stock="", is_active=True):
        self.index, self.id = index, id
        self.name, self.sku, self.price, self.stock, self.is_active = name, sku, price, stock, is_active
        self.errors: list[str] = []

    @property
    def prefix(self) -> str:
        return f"variant-{self.index}"

    @property
    def is_blank(self) -> bool:
        return self.id is None and not any(str(v).strip() for v in (self.name, self.sku, self.price, self.stock))

    def as_item(self) -> dict:
        """What product_create / product_update take for this row."""
        item = {"name": self.name, "sku": self.sku, "price": self.price, "stock": _form_int(self.stock.strip())}
        if self.id is not None:
            item["id"] = self.id
            item["is_active"] = self.is_active
        return item


def variant_rows_from_post(data) -> list[VariantRow]:
    """The rows a form posted (variant-<i>-name/sku/price/stock, -id for an existing variant, -active).
    An id is passed on as posted: product_update refuses one that is not this product's."""
    count = _form_int(data.get("rows", ""))
    count = min(count, MAX_ROWS) if isinstance(count, int) else 0
    rows = []
    for i in range(count):
        prefix = f"variant-{i}-"
        raw_id = _form_int(data.get(prefix + "id", ""))
        rows.append(VariantRow(
            i, id=raw_id if raw_id != "" else None,
            name=data.get(prefix + "name", "")[:VARIANT_NAME_MAX * 2], sku=data.get(prefix + "sku", "")[:SKU_MAX * 2],
            price=data.get(prefix + "price", "")[:40], stock=data.get(prefix + "stock", "")[:20],
            is_active=bool(data.get(prefix + "active")),
        ))
    return rows


def variant_rows_of(product) -> list[VariantRow]:
    return [VariantRow(i, id=v.pk, name=v.name, sku=v.sku, price=f"{v.price.normalize():f}", stock=str(v.stock),
                       is_active=v.is_active) for i, v in enumerate(product.variants.all())]


def blank_rows(rows: list[VariantRow], count: int) -> list[VariantRow]:
    start = len(rows)
    return rows + [VariantRow(start + i) for i in range(count)]
