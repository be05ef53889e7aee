from datetime import datetime

from ninja import Schema


class ExportOut(Schema):
    id: int
    status: str  # pending | ready | failed
    created_at: datetime
    finished_at: datetime | None = None
    expires_at: datetime | None = None
    size: int
    url: str | None = None  # where the owner downloads it (with the same credentials), once ready


class DeleteIn(Schema):
    password: str


class DeletionOut(Schema):
    requested_at: datetime
    purge_after: datetime  # log in before this to keep the account
