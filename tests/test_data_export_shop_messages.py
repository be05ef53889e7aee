"""Download your data also holds the member's messages, orders, saved addresses and reviews, and only
what the member may read in the app."""

import io
import json
import zipfile

import pytest

from tests.checkout_helpers import add_address, make_seller
from tests.messaging_helpers import chat, send, start
from tests.reviews_helpers import delivered_order
from vitrina.lifecycle import exports
from vitrina.messaging import services as messaging
from vitrina.reviews import services as reviews
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


def export_of(user) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    exports.write_zip(user, buffer)
    buffer.seek(0)
    return zipfile.ZipFile(buffer)


def read(zf, name):
    return json.loads(zf.read(name))


def test_messages_are_exported_as_the_member_sees_them(make_user):
    mira, ola, rex = make_user("mira"), make_user("ola"), make_user("rex")
    with_ola = chat(mira, ola, "привет, Ола")
    send(ola, with_ola, "hi Mira")
    gone = send(mira, with_ola, "oops")
    messaging.message_unsend(sender=mira, conversation=with_ola, message_id=gone.pk)
    group = start(mira, ola, rex, name="Trip")
    send(rex, group, "rex was here")
    send(ola, group, "ola in the group")
    # A block hides rex's messages from mira in the app, so from her export too.
    social.block_create(blocker=mira, target=rex)
    # A conversation between others is never in it.
    chat(ola, rex, "not for mira")

    conversations = read(export_of(mira), "messages.json")
    assert [(c["conversation"], c["name"]) for c in conversations] == [(with_ola.pk, ""), (group.pk, "Trip")]
    one_to_one = conversations[0]
    assert one_to_one["with"] == ["ola"]
    assert [(m["from"], m.get("text")) for m in one_to_one["messages"]] == [
        ("mira", "привет, Ола"), ("ola", "hi Mira"), ("mira", None)]
    assert one_to_one["messages"][2]["unsent_at"] and "text" not in one_to_one["messages"][2]
    assert [(m["from"], m["text"]) for m in conversations[1]["messages"]] == [("ola", "ola in the group")]


def test_orders_addresses_and_reviews_are_exported_for_the_buyer_only(make_user):
    seller, variant = make_seller(make_user, "linen", price="1500.00", stock=5)
    buyer, other = make_user("buyer"), make_user("other")
    add_address(buyer, city="Dhaka")
    order = delivered_order(buyer, seller, variant, quantity=2)
    line = order.lines.get()
    reviews.review_create(buyer=buyer, order_id=order.pk, line_id=line.pk, rating=5, seller_rating=4, text="Отлично")
    delivered_order(other, seller, variant)

    zf = export_of(buyer)
    orders = read(zf, "orders.json")
    assert [(o["number"], o["shop"], o["status"], o["currency"], o["total"]) for o in orders] == [
        (order.number, "linen", "delivered", "RUB", "3000.00")]
    assert [(x["sku"], x["quantity"], x["unit_price"]) for x in orders[0]["lines"]] == [("linen-1", 2, "1500.00")]
    assert [h["to"] for h in orders[0]["history"]] == ["placed", "confirmed", "shipped", "delivered"]
    assert [a["city"] for a in read(zf, "addresses.json")] == ["Dhaka"]
    assert [(r["order"], r["rating"], r["seller_rating"], r["text"]) for r in read(zf, "reviews.json")] == [
        (order.number, 5, 4, "Отлично")]
    # The seller's own export lists no purchases of theirs.
    assert read(export_of(seller), "orders.json") == []
