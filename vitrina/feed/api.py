from django.http import JsonResponse
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
    # Cards come serialised from their cache; validating them again would double the cost of
    # the most read endpoint. The schema above still documents the shape (a test checks it).
    return JsonResponse(selectors.home_feed_cards(viewer=request.auth, **params.dict()),
                        json_dumps_params={"ensure_ascii": False})


@router.get("/feed/new", response=NewPostsOut, auth=REQUIRED)
def feed_new(request, since: int):
    return {"count": selectors.new_posts_count(viewer=request.auth, since=since)}
