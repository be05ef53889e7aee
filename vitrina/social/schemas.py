from ninja import Schema

from vitrina.accounts.schemas import AccountOut


class RelationshipOut(Schema):
    following: bool
    requested: bool
    followed_by: bool
    blocking: bool


class ProfileOut(AccountOut):
    relationship: RelationshipOut


class FollowStateOut(Schema):
    state: str
