import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status

from vitrina.accounts.auth import OPTIONAL, REQUIRED, viewer_of
from vitrina.core.errors import InvalidInput
from vitrina.core.pagination import PageParams
from vitrina.insights import recording
from vitrina.insights.models import Kind
from vitrina.posts import card_reads, selectors, services
from vitrina.posts.models import Comment, Like
from vitrina.posts.schemas import (
    CommentIn,
    CommentList,
    CommentOut,
    HashtagPosts,
    LikeOut,
    LikersOut,
    PostList,
    PostOut,
    PostPatch,
    SaveOut,
)
from vitrina.social.selectors import profile_get

router = Router(tags=["posts"])


def _json(text: str) -> HttpResponse:
    # Cards come as JSON text from their cache; the response schema still documents the shape
    # (tests hold the two equal).
    return HttpResponse(text, content_type="application/json")


def _alt_texts(raw: str | None) -> list | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list):
        message = _("Send alt texts as a JSON list of strings.")
        raise InvalidInput(message, fields={"alt_texts": [message]})
    return value


@router.post("/posts", response={201: PostOut}, auth=REQUIRED)
def post_create(
    request,
    images: list[UploadedFile] = File(None),
    caption: str = Form(""),
    alt_texts: str = Form(""),
    location: str = Form(""),
):
    post = services.post_create(
        author=request.auth, uploads=images or [], caption=caption, alt_texts=_alt_texts(alt_texts), location=location,
    )
    return Status(201, selectors.post_get(viewer=request.auth, post_id=post.pk))


@router.get("/posts/{int:post_id}", response=PostOut, auth=OPTIONAL)
def post_get(request, post_id: int):
    # From the card cache, as JSON text, like the lists (vitrina.posts.card_reads).
    viewer = viewer_of(request)
    text, author_id = card_reads.post_get_json(viewer=viewer, post_id=post_id)
    # The post opened on its own, as the post page counts it (a feed's views come from /insights/seen).
    recording.hit_by(viewer, kind=Kind.POST_VIEW, account_id=author_id, post_id=post_id, source="post")
    return _json(text)


@router.patch("/posts/{int:post_id}", response=PostOut, auth=REQUIRED)
def post_update(request, post_id: int, payload: PostPatch):
    post = selectors.post_get(viewer=request.auth, post_id=post_id)
    services.post_update(post=post, editor=request.auth, **payload.dict(exclude_unset=True))
    return selectors.post_get(viewer=request.auth, post_id=post_id)


@router.delete("/posts/{int:post_id}", response={204: None}, auth=REQUIRED)
def post_delete(request, post_id: int):
    post = selectors.post_get(viewer=request.auth, post_id=post_id)
    services.post_delete(post=post, actor=request.auth)
    return Status(204, None)


def _like_state(request, post_id):
    post = selectors.post_visible(viewer=request.auth, post_id=post_id)
    return {"liked": Like.objects.filter(user=request.auth, post=post).exists(), "like_count": post.like_count}


@router.post("/posts/{int:post_id}/like", response=LikeOut, auth=REQUIRED)
def like(request, post_id: int):
    services.like_create(user=request.auth, post=selectors.post_visible(viewer=request.auth, post_id=post_id))
    return _like_state(request, post_id)


@router.delete("/posts/{int:post_id}/like", response=LikeOut, auth=REQUIRED)
def unlike(request, post_id: int):
    services.like_delete(user=request.auth, post=selectors.post_visible(viewer=request.auth, post_id=post_id))
    return _like_state(request, post_id)


@router.get("/posts/{int:post_id}/likes", response=LikersOut, auth=OPTIONAL)
def likers(request, post_id: int, params: Query[PageParams]):
    viewer = viewer_of(request)
    post = selectors.post_visible(viewer=viewer, post_id=post_id)
    page = selectors.likers_page(viewer=viewer, post=post, **params.dict())
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/posts/{int:post_id}/comments", response=CommentList, auth=OPTIONAL)
def comments(request, post_id: int, params: Query[PageParams]):
    viewer = viewer_of(request)
    post = selectors.post_visible(viewer=viewer, post_id=post_id)
    page = selectors.comments_page(viewer=viewer, post=post, **params.dict())
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/posts/{int:post_id}/comments", response={201: CommentOut}, auth=REQUIRED)
def comment_create(request, post_id: int, payload: CommentIn):
    post = selectors.post_visible(viewer=request.auth, post_id=post_id)
    reply_to = None
    if payload.reply_to is not None:
        reply_to = Comment.objects.filter(pk=payload.reply_to, post=post).first()
        if reply_to is None:
            raise InvalidInput(_("You can only reply to a comment on this post."),
                               fields={"reply_to": [_("You can only reply to a comment on this post.")]})
    comment = services.comment_create(author=request.auth, post=post, text=payload.text, reply_to=reply_to)
    return Status(201, comment)


@router.delete("/comments/{int:comment_id}", response={204: None}, auth=REQUIRED)
def comment_delete(request, comment_id: int):
    comment = selectors.comment_get(viewer=request.auth, comment_id=comment_id)
    services.comment_delete(comment=comment, actor=request.auth)
    return Status(204, None)


@router.post("/posts/{int:post_id}/save", response=SaveOut, auth=REQUIRED)
def save(request, post_id: int):
    services.save_create(user=request.auth, post=selectors.post_visible(viewer=request.auth, post_id=post_id))
    return {"saved": True}


@router.delete("/posts/{int:post_id}/save", response=SaveOut, auth=REQUIRED)
def unsave(request, post_id: int):
    services.save_delete(user=request.auth, post=selectors.post_visible(viewer=request.auth, post_id=post_id))
    return {"saved": False}


@router.get("/me/saved", response=PostList, auth=REQUIRED)
def saved(request, params: Query[PageParams]):
    page = selectors.saved_page(user=request.auth, **params.dict())
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/accounts/{username}/posts", response=PostList, auth=OPTIONAL)
def account_posts(request, username: str, params: Query[PageParams]):
    viewer = viewer_of(request)
    author = profile_get(viewer=viewer, username=username)
    return _json(card_reads.posts_of_json(viewer=viewer, author=author, **params.dict()))


@router.get("/hashtags/{tag}/posts", response=HashtagPosts, auth=OPTIONAL)
def hashtag_posts(request, tag: str, params: Query[PageParams]):
    viewer = viewer_of(request)
    hashtag = selectors.hashtag_get(viewer=viewer, name=tag)
    page = selectors.hashtag_posts(viewer=viewer, hashtag=hashtag, **params.dict())
    return {"hashtag": {"name": hashtag.name, "post_count": hashtag.visible_post_count}, "items": page.items,
            "next_cursor": page.next_cursor}
