"""Explore in the API: the ranked grid and trending hashtags, for members and anonymous readers."""

from django.http import HttpResponse
from ninja import Query, Router, Schema

from vitrina.accounts.auth import OPTIONAL, viewer_of
from vitrina.feed.explore import ranking, trending
from vitrina.posts.schemas import PostList

router = Router(tags=["explore"])


class ExploreParams(Schema):
    cursor: str | None = None
    limit: int = ranking.DEFAULT_LIMIT  # at most 100; more is read as 100


class TrendingParams(Schema):
    limit: int = 10


class TrendingHashtagOut(Schema):
    name: str
    post_count: int  # posts with the tag in the last 24 hours that the caller may see
    growth: float  # today's uses against the daily average of the week before (see feed.explore.trending)


class TrendingList(Schema):
    items: list[TrendingHashtagOut]


@router.get("/explore", response=PostList, auth=OPTIONAL)
def explore_list(request, params: Query[ExploreParams]):
    # Cards come as JSON text from their cache, as for the home feed (vitrina.feed.api).
    return HttpResponse(ranking.explore_json(viewer=viewer_of(request), cursor=params.cursor, limit=params.limit),
                        content_type="application/json")


@router.get("/explore/trending-hashtags", response=TrendingList, auth=OPTIONAL)
def trending_hashtags(request, params: Query[TrendingParams]):
    return {"items": trending.trending_hashtags(viewer=viewer_of(request), limit=params.limit)}
