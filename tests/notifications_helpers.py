"""Shared by the notifications tests."""

import pytest

from vitrina.events import dispatch


@pytest.fixture(autouse=True)
def _own_events_are_final(monkeypatch):
    # On PostgreSQL, dispatch delivers only events older than the oldest transaction running on the
    # whole server (pg_snapshot_xmin is not per database): while another test run on the same server
    # holds an older transaction, a test's own events (written and delivered in its one transaction)
    # would wait. Within one test transaction every event is final; tests/test_events.py tests the
    # horizon itself.
    monkeypatch.setattr(dispatch, "_horizon", lambda: None)
