"""Django's own messages that members see and Django's Bengali catalogs lack.

Listed here only so that `make messages` keeps them in the project's catalogs, whose
translations take precedence over Django's (LOCALE_PATHS come first). Nothing imports
this module at run time. Each msgid (and context) is copied exactly from Django 5.2:
password validators and their help texts, form field limits, and the pieces of
`naturaltime` ("3 days ago") on post cards and comments.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy, npgettext_lazy

MESSAGES = (
    # django.contrib.auth.password_validation
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_lazy("The password is too similar to the %(verbose_name)s."),
    gettext_lazy("Your password can’t be too similar to your other personal information."),
    gettext_lazy("This password is too common."),
    gettext_lazy("Your password can’t be a commonly used password."),
    gettext_lazy("This password is entirely numeric."),
    gettext_lazy("Your password can’t be entirely numeric."),
    # django.contrib.auth.forms
    gettext_lazy("Enter the same password as before, for verification."),
    gettext_lazy("Password reset on %(site_name)s"),
    # django.core.validators and django.forms
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max",
    ),
    gettext_lazy("Enter a valid integer."),
    gettext_lazy("Null characters are not allowed."),
    gettext_lazy("Enter a complete value."),
    gettext_lazy("Value %(value)r is not a valid choice."),
    # django.contrib.humanize: naturaltime, past
    gettext_lazy("%(delta)s ago"),
    gettext_lazy(", "),  # between the parts of "3 days, 1 hour"; Django's Bengali drops the space
    npgettext_lazy("naturaltime-past", "%(num)d year", "%(num)d years", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d month", "%(num)d months", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d week", "%(num)d weeks", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d day", "%(num)d days", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d hour", "%(num)d hours", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d minute", "%(num)d minutes", "num"),
    # django.utils.timesince ("last used 5 minutes ago" on Settings -> Security), without a context
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)
