"""Web Push in the native API: the instance's public key, and a browser's subscription."""

from ninja import Router, Schema
from ninja.responses import Status

from vitrina.accounts.auth import OPTIONAL, REQUIRED
from vitrina.core.api import documents_404
from vitrina.push import keys, services

router = Router(tags=["push"])


class KeyOut(Schema):
    public_key: str


class SubscriptionKeys(Schema):
    p256dh: str
    auth: str


class SubscriptionIn(Schema):
    """As the browser's PushSubscription.toJSON() gives it."""

    endpoint: str
    keys: SubscriptionKeys


class SubscriptionOut(Schema):
    endpoint: str


@router.get("/push/key", response=KeyOut, auth=OPTIONAL)
def push_key(request):
    """The VAPID public key for PushManager.subscribe({applicationServerKey})."""
    return {"public_key": keys.public_key()}


@router.post("/me/push-subscriptions", response={201: SubscriptionOut}, auth=REQUIRED)
def push_subscribe(request, payload: SubscriptionIn):
    """422 invalid_endpoint for an address that is not a known push service's."""
    subscription = services.subscription_save(
        user=request.auth, endpoint=payload.endpoint, p256dh=payload.keys.p256dh, auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""))
    return Status(201, {"endpoint": subscription.endpoint})


@router.delete("/me/push-subscriptions", response={204: None}, auth=REQUIRED,
               openapi_extra=documents_404("No subscription of the caller with this endpoint"))
def push_unsubscribe(request, endpoint: str):
    """?endpoint= the subscription's endpoint; another member's, or an unknown one, is 404."""
    services.subscription_delete(user=request.auth, endpoint=endpoint)
    return Status(204, None)
