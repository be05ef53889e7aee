from datetime import datetime

from ninja import Schema
from pydantic import StrictBool, StrictInt



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


class NotificationsReadIn(Schema):
    up_to: StrictInt | None = None  # a notification id: that one and older; none: all


class NotificationsReadOut(Schema):
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
    like: StrictBool | None = None
    comment: StrictBool | None = None
    reply: StrictBool | None = None
    mention: StrictBool | None = None
    follow: StrictBool | None = None
    follow_request: StrictBool | None = None
    follow_approved: StrictBool | None = None
    message: StrictBool | None = None
    order: StrictBool | None = None
    review: StrictBool | None = None
