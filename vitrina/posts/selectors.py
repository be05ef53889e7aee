"""Reads of posts that check what the viewer may see, in a fixed number of queries."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import NotFound
from vitrina.core.pagination import Page, paginate_asc, paginate_desc
from vitrina.posts.models import Comment, Hashtag, Like, Post, PostHashtag, PostMention, Save
from vitrina.posts.text import hashtag_key
from vitrina.social import visibility

REPLIES_SHOWN = 20


def not_available() -> NotFound:
    return NotFound(_("This post is not available."))


def with_details(queryset):
    """Everything a post card shows, prefetched: media, tags, mentions, author."""
    return queryset.select_related("author").prefetch_related(
        "media",
        Prefetch("hashtag_links", queryset=PostHashtag.objects.select_related("hashtag").order_by("pk")),
        Prefetch("mention_links", queryset=PostMention.objects.select_related("user").order_by("pk")),
    )


def mark_for_viewer(posts: list[Post], viewer) -> list[Post]:
    """Set liked_by_me and saved_by_me on each post, in two queries for the whole page."""
    ids = [post.pk for post in posts]
    liked = saved = set()
    if viewer is not None and viewer.is_authenticated and ids:
        liked = set(Like.objects.filter(user=viewer, post_id__in=ids).values_list("post_id", flat=True))
        saved = set(Save.objects.filter(user=viewer, post_id__in=ids).values_list("post_id", flat=True))
    for post in posts:
        post.liked_by_me = post.pk in liked
        post.saved_by_me = post.pk in saved
    return posts


def post_get(*, viewer, post_id: int) -> Post:
    post = with_details(Post.objects.visible_to(viewer).filter(pk=post_id)).first()
    if post is None:
        raise not_available()
    return mark_for_viewer([post], viewer)[0]


def post_visible(*, viewer, post_id: int) -> Post:
    """The post row alone, if the viewer may see it: for writes and lists that only need its id,
    author and counters (reading its media, tags and mentions cost a like twice its own work)."""
    post = Post.objects.visible_to(viewer).filter(pk=post_id).first()
    if post is None:
        raise not_available()
    return post


def post_for_owner(*, owner: User, post_id: int) -> Post:
    """A post of the owner's own (to edit or delete); anybody else's is 404."""
    post = Post.objects.filter(pk=post_id, author=owner).first()
    if post is None:
        raise not_available()
    return post


def _page_of_posts(queryset, *, viewer, cursor, limit) -> Page:
    page = paginate_desc(with_details(queryset), cursor=cursor, limit=limit)
    mark_for_viewer(page.items, viewer)
    return page


def posts_of(*, viewer, author: User, cursor=None, limit=None) -> Page:
    """The profile grid: newest first, only for those who may see the account's content."""
    if not visibility.sees_content(viewer, author):
        raise NotFound(_("This account does not exist."))
    return _page_of_posts(Post.objects.filter(author=author), viewer=viewer, cursor=cursor, limit=limit)


def hashtag_get(*, viewer, name: str) -> Hashtag:
    """The tag, with `visible_post_count` set: the posts with it that the viewer may see.

    A tag none of whose posts the viewer may see is "not found", exactly as a tag that
    does not exist: a tag used only by private accounts is theirs to know about.
    """
    hashtag = Hashtag.objects.filter(key=hashtag_key(name.lstrip("#"))).first()
    count = hashtag_post_count(viewer=viewer, hashtag=hashtag) if hashtag is not None else 0
    if not count:
        raise NotFound(_("There are no posts with this hashtag."))
    hashtag.visible_post_count = count
    return hashtag


def hashtag_posts(*, viewer, hashtag: Hashtag, cursor=None, limit=None) -> Page:
    posts = Post.objects.visible_to(viewer).filter(hashtag_links__hashtag=hashtag)
    return _page_of_posts(posts, viewer=viewer, cursor=cursor, limit=limit)


def hashtag_post_count(*, viewer, hashtag: Hashtag) -> int:
    """Posts with the tag that this viewer may see.

    Hashtag.post_count counts every post, private ones included; shown as is it
    would tell a stranger that a private account used the tag.
    """
    return Post.objects.visible_to(viewer).filter(hashtag_links__hashtag=hashtag).count()


def likers_page(*, viewer, post: Post, cursor=None, limit=None) -> Page:
    """Who liked a post the viewer may see (the caller checked it), hiding those not listed for the viewer."""
    rows = Like.objects.filter(visibility.listed_q(viewer, account="user"), post=post).select_related("user")
    page = paginate_desc(rows, cursor=cursor, limit=limit)
    page.items = [row.user for row in page.items]
    return page


def comments_page(*, viewer, post: Post, cursor=None, limit=None) -> Page:
    """Top-level comments oldest first, each with its first replies, hiding people not listed for the viewer.

    The caller checked that the viewer may see the post.
    """
    listed = visibility.listed_q(viewer, account="author")
    replies = Comment.objects.filter(listed).select_related("author").order_by("id")
    top = (
        Comment.objects.filter(listed, post=post, reply_to=None)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
    )
    page = paginate_asc(top, cursor=cursor, limit=limit)
    for comment in page.items:
        comment.shown_replies = list(comment.replies.all())[:REPLIES_SHOWN]
    return page


def comment_get(*, viewer, comment_id: int) -> Comment:
    """A comment on a post the viewer may see."""
    comment = Comment.objects.select_related("post", "author").filter(pk=comment_id).first()
    if comment is None or not Post.objects.visible_to(viewer).filter(pk=comment.post_id).exists():
        raise NotFound(_("This comment is not available."))
    return comment


def saved_page(*, user: User, cursor=None, limit=None) -> Page:
    """The user's saved posts that are still visible to them, newest save first."""
    rows = Save.objects.filter(user=user, post__in=Post.objects.visible_to(user))
    page = paginate_desc(rows.only("id", "post_id"), cursor=cursor, limit=limit)
    posts = {p.pk: p for p in with_details(Post.objects.filter(pk__in=[row.post_id for row in page.items]))}
    page.items = mark_for_viewer([posts[row.post_id] for row in page.items if row.post_id in posts], user)
    return page
