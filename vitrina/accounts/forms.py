"""Page forms. They parse input; the rules live in the services they feed."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from vitrina.accounts.models import AccountType, BusinessCategory


# What phones and password managers need to fill a field: the autocomplete token, and no
# capital letter or spelling fix forced on a name typed for a machine.
USERNAME_ATTRS = {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}


class TelInput(forms.TextInput):
    input_type = "tel"


def _password(label, autocomplete, *, render_value=False):
    widget = forms.PasswordInput(attrs={"autocomplete": autocomplete}, render_value=render_value)
    return forms.CharField(label=label, max_length=256, widget=widget)


class SignupForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64, widget=forms.TextInput(attrs=USERNAME_ATTRS))
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    display_name = forms.CharField(label=_("Name"), max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    # Kept on an error (sign-up only): the member fixes the one field that is wrong, not all of them.
    password = _password(_("Password"), "new-password", render_value=True)
    account_type = forms.ChoiceField(
        label=_("Account type"), choices=AccountType.choices, initial=AccountType.PERSONAL, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules of AUTH_PASSWORD_VALIDATORS, shown under the field before the first try (in the request's language).
        self.fields["password"].help_text = password_validation.password_validators_help_text_html()
        for field in self.fields.values():
            field.template_name = "accounts/_field.html"


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64, widget=forms.TextInput(attrs=USERNAME_ATTRS))
    password = _password(_("Password"), "current-password")


class SetPasswordForm(forms.Form):
    """A new password typed twice (password reset; the change form adds the current one)."""

    new_password = _password(_("New password"), "new-password")
    new_password_again = _password(_("New password, again"), "new-password")

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords don't match."))
        return data


class PasswordForm(SetPasswordForm):
    old_password = _password(_("Current password"), "current-password")

    field_order = ["old_password", "new_password", "new_password_again"]


class AvatarForm(forms.Form):
    image = forms.FileField(label=_("Profile photo"))


# On the page, shown and accepted for business accounts only (the service also refuses some of them
# for other accounts; a personal account's form simply has none of them).
BUSINESS_FIELDS = ("category", "city", "contact_email", "contact_phone")


class ProfileForm(forms.Form):
    """Edit profile. Privacy has its own screen (Settings -> Privacy, vitrina.social.views.privacy)."""

    # Lengths are checked by the service, so the page shows the same message as the API.
    display_name = forms.CharField(label=_("Name"), max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    bio = forms.CharField(label=_("Bio"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    website = forms.CharField(label=_("Website"), max_length=500, required=False,
                              widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}))
    account_type = forms.ChoiceField(label=_("Account type"), choices=AccountType.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—")] + list(BusinessCategory.choices), required=False
    )
    city = forms.CharField(label=_("City"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    contact_email = forms.CharField(label=_("Contact email"), max_length=254, required=False,
                                    widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=64, required=False,
                                    widget=TelInput(attrs={"autocomplete": "tel"}))

    @classmethod
    def for_user(cls, user, data=None):
        form = cls(data=data, initial={name: getattr(user, name) for name in cls.base_fields})
        if not user.is_business:
            for name in BUSINESS_FIELDS:
                del form.fields[name]
        return form

    @property
    def business_fields(self):
        return [self[name] for name in BUSINESS_FIELDS if name in self.fields]

    @property
    def profile_fields(self):
        return [self[name] for name in self.fields if name not in BUSINESS_FIELDS]

    def clean(self):
        data = super().clean()
        # A business account turning personal or creator: its business details stay stored (and hidden),
        # in case it turns back; they are not sent, as the service refuses them for other accounts.
        if data.get("account_type") != AccountType.BUSINESS:
            for name in BUSINESS_FIELDS:
                data.pop(name, None)
        return data


class PrivacyForm(forms.Form):
    # A switch that applies when flipped (vitrina.js submits [data-autosubmit]); a Save button without JavaScript.
    is_private = forms.BooleanField(label=_("Private account"), required=False, widget=forms.CheckboxInput(attrs={
        "role": "switch", "data-autosubmit": "", "aria-describedby": "privacy-help"}))


class PasswordResetForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class EmailChangeForm(forms.Form):
    email = forms.CharField(label=_("New email address"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = _password(_("Current password"), "current-password")


class UsernameForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64, widget=forms.TextInput(attrs=USERNAME_ATTRS))
