from datetime import datetime

from ninja import Schema

from vitrina.accounts.schemas import AccountSummary
from vitrina.media.images import url_of


class AuthorOut(Schema):
    username: str
    display_name: str
    avatar_url: str

    @staticmethod
    def resolve_avatar_url(obj):
        return url_of(obj.avatar)


class MediaOut(Schema):
    id: int
    width: int
    height: int
    blurhash: str
    alt_text: str
    urls: dict[str, dict[str, str]]

    @staticmethod
    def resolve_urls(obj):
        return obj.signed_urls()


class TaggedProductOut(Schema):
    id: int
    title: str
    price: str  # a decimal string, the lowest price of the product's variants on sale
    currency: str
    in_stock: bool
    url: str


class ProductTagOut(Schema):
    """A product tagged at (x, y) on one photo of the post (fractions of its width and height, 0..1):
    the snapshot the shop keeps on the post (Post.product_tags), only products on sale."""

    id: int
    media_id: int
    x: float
    y: float
    product: TaggedProductOut


class PostOut(Schema):
    id: int
    author: AuthorOut
    caption: str
    location: str
    hashtags: list[str]
    mentions: list[str]
    media: list[MediaOut]
    like_count: int
    comment_count: int
    comments_enabled: bool
    liked_by_me: bool
    saved_by_me: bool
    product_tags: list[ProductTagOut]
    created_at: datetime
    url: str

    @staticmethod
    def resolve_hashtags(obj):
        return obj.hashtag_names()

    @staticmethod
    def resolve_mentions(obj):
        return obj.mentioned_usernames()

    @staticmethod
    def resolve_media(obj):
        return list(obj.media.all())

    @staticmethod
    def resolve_product_tags(obj):
        return obj.product_tags

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class PostList(Schema):
    items: list[PostOut]
    next_cursor: str | None


class HashtagOut(Schema):
    name: str
    post_count: int


class HashtagPosts(PostList):
    hashtag: HashtagOut


class PostPatch(Schema):
    caption: str | None = None
    alt_texts: list[str] | None = None
    comments_enabled: bool | None = None


class LikeOut(Schema):
    liked: bool
    like_count: int


class SaveOut(Schema):
    saved: bool


class ReplyOut(Schema):
    id: int
    author: AuthorOut
    text: str
    reply_to: int | None
    created_at: datetime

    @staticmethod
    def resolve_reply_to(obj):
        return obj.reply_to_id


class CommentOut(ReplyOut):
    replies: list[ReplyOut]
    reply_count: int

    @staticmethod
    def resolve_replies(obj):
        return getattr(obj, "shown_replies", [])

    @staticmethod
    def resolve_reply_count(obj):
        return len(getattr(obj, "shown_replies", []))


class CommentList(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class CommentIn(Schema):
    text: str
    reply_to: int | None = None


class LikersOut(Schema):
    items: list[AccountSummary]
    next_cursor: str | None
