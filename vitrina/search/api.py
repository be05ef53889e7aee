from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from vitrina.accounts.auth import OPTIONAL, viewer_of
from vitrina.accounts.schemas import AccountSummary
from vitrina.posts.native_json import to_json
from vitrina.posts.schemas import PostOut
from vitrina.search import selectors
from vitrina.shop.schemas import ProductOut, product_data

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field("", description="Up to 100 characters; a leading @ (accounts) or # (hashtags) is ignored.")
    # A plain string checked by the selector (the enum is for the docs), so an
    # unknown type gets the same 422 body here as from every other entry point.
    type: str = Field(selectors.SearchType.ACCOUNTS.value, json_schema_extra={"enum": selectors.SearchType.values})
    cursor: str | None = Field(None, description="Posts and products; accounts and hashtags have one ranked page.")
    limit: int = Field(selectors.DEFAULT_LIMIT, description="1 to 50.")


class HashtagHit(Schema):
    # No post count: the stored one includes private posts (see vitrina.search.hashtags).
    name: str


class SearchOut(Schema):
    # One list shape per type; the four never share their required fields.
    items: list[AccountSummary] | list[HashtagHit] | list[PostOut] | list[ProductOut]
    next_cursor: str | None


@router.get("/search", response=SearchOut, auth=OPTIONAL)
def search(request, params: Query[SearchParams]):
    if params.type == selectors.SearchType.POSTS:
        # Posts come as cards from their cache, as in the home feed (vitrina.posts.cards);
        # validating them again would cost more than the search.
        body = selectors.posts_search_json(viewer=viewer_of(request), q=params.q, cursor=params.cursor,
                                           limit=params.limit)
        return HttpResponse(body, content_type="application/json")
    viewer = viewer_of(request)
    page = selectors.search(viewer=viewer, q=params.q, kind=params.type, cursor=params.cursor, limit=params.limit)
    if params.type == selectors.SearchType.PRODUCTS:
        items = [product_data(item, viewer=viewer) for item in page.items]
        return HttpResponse(to_json({"items": items, "next_cursor": page.next_cursor}),
                            content_type="application/json")
    # Each item through its own schema: validated against SearchOut's union, every account was
    # also tried as a post and a hashtag, which cost two thirds of the request.
    schema = AccountSummary if params.type == selectors.SearchType.ACCOUNTS else HashtagHit
    items = [schema.from_orm(item).model_dump() for item in page.items]
    return HttpResponse(to_json({"items": items, "next_cursor": page.next_cursor}), content_type="application/json")
