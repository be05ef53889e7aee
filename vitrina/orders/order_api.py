"""Orders in the native API (shared/API.md, shop section): the buyer's at /orders, the seller's at /shop/orders.

Each order is read through a selector that answers 404 for anyone but its buyer (or its seller), so an id
of someone else's order says nothing about whether it exists. Changes go through the one lifecycle
(orders.lifecycle.order_transition), which owns the table of who may do what.
"""

from datetime import datetime

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from vitrina.accounts.auth import REQUIRED
from vitrina.core.pagination import PageParams
from vitrina.orders import lifecycle, selectors
from vitrina.orders.models import OrderStatus
from vitrina.orders.schemas import OrderOut

router = Router(tags=["orders"])


class OrderEventOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_status: str = Field(alias="from", description="Empty for the placement itself")
    to: str
    at: datetime
    by: str | None = Field(description="Who made the change; null for the system (a payment, the expiry job)")
    note: str


class OrderDetailOut(OrderOut):
    events: list[OrderEventOut] = Field(description="The order's timeline, oldest first")
    allowed_transitions: list[str] = Field(description="The statuses the caller may move the order to now")

    @staticmethod
    def resolve_events(obj):
        return [{"from": event.from_status, "to": event.to_status, "at": event.created_at,
                 "by": event.actor.username if event.actor_id else None, "note": event.note}
                for event in obj.events.all()]

    @staticmethod
    def resolve_url(obj, context):
        # The seller's page of the order for its seller; the buyer's page is 404 to them.
        viewer = context["request"].auth
        if viewer is not None and viewer.pk == obj.shop.owner_id:
            return reverse("orders:seller_order", args=[obj.number])
        return obj.get_absolute_url()

    @staticmethod
    def resolve_allowed_transitions(obj, context):
        return lifecycle.allowed_next(obj, context["request"].auth)


class OrderList(Schema):
    items: list[OrderDetailOut]
    next_cursor: str | None


class TransitionIn(Schema):
    to: str = Field(description="confirmed, paid, shipped, delivered, cancelled or refunded, as allowed now")
    tracking: str | None = Field(None, description="The parcel's tracking number, when shipping (at most 100 "
                                                   "characters)")
    note: str = Field("", description="Why, for the timeline (at most 200 characters)")


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_NOT_FOUND = {404: {"description": "No such order, or one the caller may not see", "content": _ERROR}}
_CHANGE = {"responses": {**_NOT_FOUND,
                         409: {"description": "transition_not_allowed: not from this status, by this role, for "
                                              "this payment method", "content": _ERROR}}}
_GET = {"responses": _NOT_FOUND}
_STATUS = Query(None, description=f"Only orders in this status: {', '.join(OrderStatus.values)}")


def _page(page) -> dict:
    return {"items": page.items, "next_cursor": page.next_cursor}


# --- The buyer's -----------------------------------------------------------------------------------


@router.get("/orders", response=OrderList, auth=REQUIRED, by_alias=True)
def orders_list(request, params: Query[PageParams]):
    """The caller's orders as a buyer, newest first."""
    return _page(selectors.orders_for_buyer(buyer=request.auth, **params.dict()))


@router.get("/orders/{int:order_id}", response=OrderDetailOut, auth=REQUIRED, by_alias=True, openapi_extra=_GET)
def order_get(request, order_id: int):
    return selectors.order_for_buyer(buyer=request.auth, order_id=order_id)


@router.post("/orders/{int:order_id}/cancel", response=OrderDetailOut, auth=REQUIRED, by_alias=True,
             openapi_extra=_CHANGE)
def order_cancel(request, order_id: int):
    """The buyer cancels an order the seller has not confirmed yet; its units go back to stock."""
    order = selectors.order_for_buyer(buyer=request.auth, order_id=order_id)
    lifecycle.order_transition(order_id=order.pk, actor=request.auth, to=OrderStatus.CANCELLED)
    return selectors.order_for_buyer(buyer=request.auth, order_id=order.pk)


# --- The seller's ----------------------------------------------------------------------------------


@router.get("/shop/orders", response=OrderList, auth=REQUIRED, by_alias=True)
def shop_orders_list(request, params: Query[PageParams], status: str | None = _STATUS,
                     q: str | None = Query(None, description="An order number (or its start) or part of a "
                                                             "buyer's username")):
    """The caller's shop's orders, newest first."""
    return _page(selectors.orders_for_seller(seller=request.auth, status=status, search=q or "", **params.dict()))


@router.get("/shop/orders/{int:order_id}", response=OrderDetailOut, auth=REQUIRED, by_alias=True,
            openapi_extra=_GET)
def shop_order_get(request, order_id: int):
    return selectors.order_for_seller(seller=request.auth, order_id=order_id)


@router.post("/shop/orders/{int:order_id}/transition", response=OrderDetailOut, auth=REQUIRED, by_alias=True,
             openapi_extra=_CHANGE)
def shop_order_transition(request, order_id: int, payload: TransitionIn):
    """The seller moves an order on: confirm, mark a bank transfer paid, ship (with tracking), deliver,
    cancel or refund, as the order's status and payment method allow."""
    order = selectors.order_for_seller(seller=request.auth, order_id=order_id)
    lifecycle.order_transition(order_id=order.pk, actor=request.auth, to=payload.to, tracking=payload.tracking,
                               note=payload.note)
    return selectors.order_for_seller(seller=request.auth, order_id=order.pk)
