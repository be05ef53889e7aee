"""Reading the account emails that the services send after commit."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """`with sending():` runs the on-commit callbacks (the emails) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def link_path(message) -> str:
    """The path of the first link in an email's plain-text body."""
    return urlsplit(LINK.search(message.body).group(0)).path


def outbox_to(address):
    return [m for m in mail.outbox if m.to == [address]]
