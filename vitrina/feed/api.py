from ninja import Query, Router, Schema

from vitrina.accounts.auth import REQUIRED
from vitrina.feed import selectors
from vitrina.posts.schemas import PostList

router = Router(tags=["feed"])


class FeedParams(Schema):
    cursor: str | None = None
    limit: int = 20


class NewPostsOut(Schema):
    count: int


@router.get("/feed", response=PostList, auth=REQUIRED)
def feed(request, params: Query[FeedParams]):
    page = selectors.home_feed(viewer=request.auth, **params.dict())
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/feed/new", response=NewPostsOut, auth=REQUIRED)
def feed_new(request, since: int):
    return {"count": selectors.new_posts_count(viewer=request.auth, since=since)}
