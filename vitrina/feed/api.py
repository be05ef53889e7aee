from django.http import HttpResponse
from ninja import Query, Router, Schema

from vitrina.accounts.auth import REQUIRED
from vitrina.core.pagination import PageParams
from vitrina.feed import selectors
from vitrina.posts.schemas import PostList

router = Router(tags=["feed"])


class NewPostsOut(Schema):
    count: int


@router.get("/feed", response=PostList, auth=REQUIRED)
def feed(request, params: Query[PageParams]):
    # Cards come as JSON text from their cache; validating them again would double the cost
    # of the most read endpoint. The schema above still documents the shape (a test checks it).
    return HttpResponse(selectors.home_feed_json(viewer=request.auth, **params.dict()),
                        content_type="application/json")


@router.get("/feed/new", response=NewPostsOut, auth=REQUIRED)
def feed_new(request, since: int):
    return {"count": selectors.new_posts_count(viewer=request.auth, since=since)}
