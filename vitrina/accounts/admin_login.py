"""The admin's log-in form, checked by the same throttled log-in as everyone else's.

Staff accounts are the most valuable to guess; their log-in shares the per-account
and per-address limits of the normal log-in and counts into them.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

from vitrina.accounts import services
from vitrina.core.errors import ServiceError
from vitrina.core.http import client_ip


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.login_check(
                    username=username, password=password, ip=client_ip(self.request)
                )
            except ServiceError as exc:
                raise forms.ValidationError(str(exc.message), code=exc.code) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
