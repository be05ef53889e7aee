from ninja import Query, Router
from ninja.responses import Status

from vitrina.accounts.auth import OPTIONAL, REQUIRED, viewer_of
from vitrina.accounts.schemas import AccountList, MeOut, MePatch
from vitrina.core.pagination import PageParams
from vitrina.insights import recording
from vitrina.insights.models import Kind
from vitrina.social import selectors, services, visibility
from vitrina.social.schemas import FollowStateOut, ProfileOut

router = Router(tags=["graph"])


def _account_list(page):
    return {"items": page.items, "next_cursor": page.next_cursor}


# /me lives here, not in accounts: one path must be one router, and editing it touches privacy.
@router.get("/me", response=MeOut, auth=REQUIRED, tags=["accounts"])
def me(request):
    return request.auth


@router.patch("/me", response=MeOut, auth=REQUIRED, tags=["accounts"])
def me_update(request, payload: MePatch):
    return services.account_update(user=request.auth, data=payload.dict(exclude_unset=True))


@router.get("/accounts/{username}", response=ProfileOut, auth=OPTIONAL)
def account_get(request, username: str):
    viewer = viewer_of(request)
    target = selectors.profile_get(viewer=viewer, username=username)
    target.relationship = visibility.relationship(viewer, target)
    recording.hit_by(viewer, kind=Kind.PROFILE_VISIT, account_id=target.pk, source="profile")
    return target


@router.post("/accounts/{username}/follow", response=FollowStateOut, auth=REQUIRED)
def follow(request, username: str, source: str = ""):
    """`source`: where the follow button was (post, profile, explore, search, feed), for the account's insights."""
    target = selectors.profile_get(viewer=request.auth, username=username)
    return {"state": services.follow_create(follower=request.auth, target=target, source=source)}


@router.delete("/accounts/{username}/follow", response=FollowStateOut, auth=REQUIRED)
def unfollow(request, username: str, source: str = ""):
    target = selectors.profile_get(viewer=request.auth, username=username)
    return {"state": services.follow_delete(follower=request.auth, target=target, source=source)}


@router.delete("/me/followers/{username}", response={204: None}, auth=REQUIRED)
def follower_remove(request, username: str):
    follower = selectors.profile_get(viewer=request.auth, username=username)
    services.follower_remove(user=request.auth, follower=follower)
    return Status(204, None)


@router.get("/accounts/{username}/followers", response=AccountList, auth=OPTIONAL)
def followers(request, username: str, params: Query[PageParams]):
    viewer = viewer_of(request)
    target = selectors.profile_get(viewer=viewer, username=username)
    return _account_list(selectors.followers_page(viewer=viewer, target=target, **params.dict()))


@router.get("/accounts/{username}/following", response=AccountList, auth=OPTIONAL)
def following(request, username: str, params: Query[PageParams]):
    viewer = viewer_of(request)
    target = selectors.profile_get(viewer=viewer, username=username)
    return _account_list(selectors.following_page(viewer=viewer, target=target, **params.dict()))


@router.get("/me/follow-requests", response=AccountList, auth=REQUIRED)
def follow_requests(request, params: Query[PageParams]):
    return _account_list(selectors.follow_requests_page(user=request.auth, **params.dict()))


@router.post("/me/follow-requests/{username}/approve", response={204: None}, auth=REQUIRED)
def follow_request_approve(request, username: str):
    requester = selectors.profile_get(viewer=request.auth, username=username)
    services.follow_request_approve(target=request.auth, requester=requester)
    return Status(204, None)


@router.post("/me/follow-requests/{username}/deny", response={204: None}, auth=REQUIRED)
def follow_request_deny(request, username: str):
    requester = selectors.profile_get(viewer=request.auth, username=username)
    services.follow_request_deny(target=request.auth, requester=requester)
    return Status(204, None)


@router.get("/me/blocks", response=AccountList, auth=REQUIRED)
def blocks(request, params: Query[PageParams]):
    return _account_list(selectors.blocked_page(user=request.auth, **params.dict()))


@router.post("/accounts/{username}/block", response={204: None}, auth=REQUIRED)
def block(request, username: str):
    target = selectors.profile_get(viewer=request.auth, username=username)
    services.block_create(blocker=request.auth, target=target)
    return Status(204, None)


@router.delete("/accounts/{username}/block", response={204: None}, auth=REQUIRED)
def unblock(request, username: str):
    target = selectors.profile_get(viewer=request.auth, username=username)
    services.block_delete(blocker=request.auth, target=target)
    return Status(204, None)
