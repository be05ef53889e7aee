"""The parts of "download your data" beyond the photo network: messages, orders, addresses, reviews.

Messages are exported as the member sees them in the app (vitrina.messaging.selectors.messages_shown):
a conversation they left, messages cleared for them, or messages from an account on the other side of a
block are left out, so an export shows nothing the member could not read in the app. An unsent message
keeps its place and time, without its text or attachment.
"""

from vitrina.accounts.models import User
from vitrina.messaging.models import Member, MemberState
from vitrina.messaging.selectors import messages_shown
from vitrina.orders.models import Address, Order
from vitrina.reviews.models import Review
from vitrina.shop.money import as_text


def largest_photo(files: dict) -> str:
    """The stored name of the largest variant of a photo (a post's or a message's)."""
    if not files:
        return ""
    variant = max(files.values(), key=lambda v: v.get("w", 0))
    return variant.get("jpg") or variant.get("webp") or ""


def conversations(user: User) -> tuple[list[dict], list[tuple[str, str]]]:
    """The member's conversations with their messages, and (stored name, name in the zip) of their photos."""
    result, photos = [], []
    members = (Member.objects.filter(user=user, state=MemberState.ACTIVE)
               .select_related("conversation", "user").order_by("conversation_id"))
    for member in members:
        others = (Member.objects.filter(conversation_id=member.conversation_id, state=MemberState.ACTIVE)
                  .exclude(user=user).select_related("user").order_by("id"))
        messages = []
        for message in messages_shown(member).select_related("sender").order_by("id"):
            row = {"id": message.pk, "from": message.sender.username, "sent_at": message.created_at,
                   "reply_to": message.reply_to_id}
            if message.is_unsent:
                row["unsent_at"] = message.unsent_at
            else:
                row.update(text=message.text, kind=message.kind, post_id=message.post_id,
                           product_id=message.product_id)
                name = largest_photo(message.photo_files)
                if name:
                    arcname = f"messages/{member.conversation_id}-{message.pk}.{name.rsplit('.', 1)[-1]}"
                    photos.append((name, arcname))
                    row["photo"] = arcname
            messages.append(row)
        result.append({"conversation": member.conversation_id, "name": member.conversation.name,
                       "folder": member.folder, "with": [m.user.username for m in others],
                       "messages": messages})
    return result, photos


def orders(user: User) -> list[dict]:
    """The orders the member placed as a buyer, with their lines and history."""
    rows = (Order.objects.filter(buyer=user).select_related("shop__owner")
            .prefetch_related("lines", "events").order_by("id"))
    def money(amount, order):  # exact to the currency's minor unit, as the API writes it
        return as_text(amount, order.currency)

    return [{
        "number": order.number, "shop": order.shop.owner.username, "status": order.status,
        "currency": order.currency, "subtotal": money(order.subtotal, order),
        "discount": money(order.discount, order), "delivery": money(order.delivery_price, order),
        "total": money(order.total, order), "payment_method": order.payment_method,
        "delivery_method": order.delivery_name, "shipping_address": order.shipping_address,
        "tracking": order.tracking, "note": order.note, "placed_at": order.created_at,
        "lines": [{"title": line.title, "variant": line.variant_name, "sku": line.sku,
                   "unit_price": money(line.unit_price, order), "quantity": line.quantity,
                   "total": money(line.line_total, order)}
                  for line in order.lines.all()],
        "history": [{"from": event.from_status, "to": event.to_status, "at": event.created_at}
                    for event in order.events.all()],
    } for order in rows]


def addresses(user: User) -> list[dict]:
    return [{**address.as_snapshot(), "is_default": address.is_default, "created_at": address.created_at}
            for address in Address.objects.filter(owner=user).order_by("id")]


def reviews(user: User) -> list[dict]:
    rows = Review.objects.filter(buyer=user).select_related("shop__owner", "line__order").order_by("id")
    return [{"order": review.line.order.number, "product": review.line.title, "shop": review.shop.owner.username,
             "rating": review.rating, "seller_rating": review.seller_rating, "text": review.text,
             "reply": review.reply, "created_at": review.created_at} for review in rows]
