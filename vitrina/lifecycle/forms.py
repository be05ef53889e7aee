from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), max_length=256, widget=forms.PasswordInput)
    confirm = forms.BooleanField(label=_("I understand that my account, posts and photos will be deleted."))
