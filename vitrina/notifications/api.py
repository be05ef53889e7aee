"""Notifications in the native API (shared/API.md, Messages and notifications)."""

from ninja import Query, Router

from vitrina.accounts.auth import REQUIRED
from vitrina.core.pagination import PageParams
from vitrina.notifications import present, selectors, services
from vitrina.notifications.schemas import NotificationList, NotificationsReadIn, NotificationsReadOut, SettingsIn, SettingsOut

router = Router(tags=["notifications"])


@router.get("/notifications", response=NotificationList, auth=REQUIRED)
def notifications(request, params: Query[PageParams]):
    """Grouped, latest activity first; reading the list does not mark it read (POST /notifications/read)."""
    page = selectors.notifications_page(request.auth, **params.dict())
    return {"items": [present.as_json(item) for item in page.items], "next_cursor": page.next_cursor}


ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
NOT_THEIRS = {"responses": {404: {"description": "`up_to` is not one of the caller's notifications", "content": ERROR}}}


@router.post("/notifications/read", response=NotificationsReadOut, auth=REQUIRED, openapi_extra=NOT_THEIRS)
def notifications_read(request, payload: NotificationsReadIn):
    """All read, or those up to `up_to` (404 for an id that is not the caller's)."""
    marked = services.notifications_read(user=request.auth, up_to=payload.up_to)
    return {"marked": marked, "unread": selectors.unread_count(request.auth)}


@router.get("/me/notification-settings", response=SettingsOut, auth=REQUIRED)
def settings_get(request):
    return selectors.settings_of(request.auth)


@router.patch("/me/notification-settings", response=SettingsOut, auth=REQUIRED)
def settings_patch(request, payload: SettingsIn):
    """Only the kinds sent change."""
    services.notification_settings_update(user=request.auth, changes=payload.dict(exclude_none=True))
    return selectors.settings_of(request.auth)
