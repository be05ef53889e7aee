"""Django's check against ORM calls from async code stays on for the suite.

The browser tests turn it off while their Playwright loop is open (tests/e2e/conftest.py);
turned off for the whole run instead, it would hide a view or task that touches the
database from inside an event loop.
"""

import asyncio

import pytest
from django.core.exceptions import SynchronousOnlyOperation

from vitrina.accounts.models import User


@pytest.mark.django_db
def test_orm_calls_inside_an_event_loop_are_refused():
    async def count_users():
        return User.objects.count()

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(count_users())
