"""Page forms. They parse input; the rules live in the services they feed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vitrina.accounts.models import AccountType, BusinessCategory


class SignupForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64)
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput)
    display_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    password = forms.CharField(label=_("Password"), max_length=256, widget=forms.PasswordInput)
    account_type = forms.ChoiceField(
        label=_("Account type"), choices=AccountType.choices, initial=AccountType.PERSONAL, widget=forms.RadioSelect
    )


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64)
    password = forms.CharField(label=_("Password"), max_length=256, widget=forms.PasswordInput)


class SetPasswordForm(forms.Form):
    """A new password typed twice (password reset; the change form adds the current one)."""

    new_password = forms.CharField(label=_("New password"), max_length=256, widget=forms.PasswordInput)
    new_password_again = forms.CharField(label=_("New password, again"), max_length=256, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords don't match."))
        return data


class PasswordForm(SetPasswordForm):
    old_password = forms.CharField(label=_("Current password"), max_length=256, widget=forms.PasswordInput)

    field_order = ["old_password", "new_password", "new_password_again"]


class AvatarForm(forms.Form):
    image = forms.FileField(label=_("Profile photo"))


class ProfileForm(forms.Form):
    # Lengths are checked by the service, so the page shows the same message as the API.
    display_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    bio = forms.CharField(label=_("Bio"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    website = forms.CharField(label=_("Website"), max_length=500, required=False)
    account_type = forms.ChoiceField(label=_("Account type"), choices=AccountType.choices, widget=forms.RadioSelect)
    is_private = forms.BooleanField(label=_("Private account"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—")] + list(BusinessCategory.choices), required=False
    )
    city = forms.CharField(label=_("City"), max_length=200, required=False)
    contact_email = forms.CharField(label=_("Contact email"), max_length=254, required=False, widget=forms.EmailInput)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=64, required=False)

    @classmethod
    def for_user(cls, user, data=None):
        initial = {name: getattr(user, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class PasswordResetForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput)


class EmailChangeForm(forms.Form):
    email = forms.CharField(label=_("New email address"), max_length=254, widget=forms.EmailInput)
    password = forms.CharField(label=_("Current password"), max_length=256, widget=forms.PasswordInput)


class UsernameForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64)
