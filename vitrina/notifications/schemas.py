from datetime import datetime

from ninja import Schema



class ActorOut(Schema):
    username: str
    display_name: str
    avatar_url: str


class TargetOut(Schema):
    type: str
    id: int
    url: str | None
    thumbnail: str | None  # a post's first photo, small


class NotificationOut(Schema):
    id: int
    kind: str
    actors: list[ActorOut]  # the first few people, newest first
    count: int  # people in the group ("anna and <count - 1> others")
    target: TargetOut
    text: str  # the sentence in the caller's language
    created_at: datetime  # of the latest activity in the group
    read: bool


class NotificationList(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class ReadIn(Schema):
    up_to: int | None = None  # a notification id: that one and older; none: all


class ReadOut(Schema):
    marked: int
    unread: int


class SettingsOut(Schema):
    like: bool
    comment: bool
    reply: bool
    mention: bool
    follow: bool
    follow_request: bool
    follow_approved: bool
    message: bool
    order: bool
    review: bool


class SettingsIn(Schema):
    like: bool | None = None
    comment: bool | None = None
    reply: bool | None = None
    mention: bool | None = None
    follow: bool | None = None
    follow_request: bool | None = None
    follow_approved: bool | None = None
    message: bool | None = None
    order: bool | None = None
    review: bool | None = None
