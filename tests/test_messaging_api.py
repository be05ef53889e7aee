"""Direct messages in the native API: shapes, status codes, and 404 for everyone outside a conversation."""

import pytest

from tests.checkout_helpers import make_product
from tests.conftest import assert_error
from tests.messaging_helpers import chat, send, start
from tests.posts_helpers import make_post, photo
from vitrina.events.models import Event
from vitrina.messaging.models import Conversation, Message, QuickReply
from vitrina.social.services import block_create, privacy_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(make_user):
    return make_user("anna")


@pytest.fixture
def boris(make_user):
    return make_user("boris")


def test_starting_and_listing_conversations(api, anna, boris):
    response = api(anna).post("/conversations", {"usernames": ["boris"]})
    assert response.status_code == 201
    body = response.json()
    assert body["is_group"] is False and [m["username"] for m in body["members"]] == ["boris"]
    again = api(boris).post("/conversations", {"usernames": ["anna"]})
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    sent = api(anna).post(f"/conversations/{body['id']}/messages", {"text": "hi"})
    assert sent.status_code == 201 and sent.json()["text"] == "hi"
    requests = api(boris).get("/conversations", {"folder": "requests"}).json()
    assert [c["id"] for c in requests["items"]] == [body["id"]] and requests["items"][0]["unread_count"] == 1
    assert api(boris).get("/conversations").json()["items"] == []
    assert api(boris).post(f"/conversations/{body['id']}/request/accept").json()["folder"] == "primary"
    assert [c["id"] for c in api(boris).get("/conversations").json()["items"]] == [body["id"]]
    assert_error(api(boris).get("/conversations", {"folder": "spam"}), 422, "invalid_folder")


def test_a_group_over_32_is_422(api, make_user, anna):
    names = [make_user(f"u{i}").username for i in range(32)]
    assert_error(api(anna).post("/conversations", {"usernames": names}), 422, "too_many_members")
    assert not Conversation.objects.exists()
    created = api(anna).post("/conversations", {"usernames": names[:31], "name": "Big"})
    assert created.status_code == 201 and created.json()["title"] == "Big"


def test_message_errors_store_nothing(api, anna, boris):
    conversation = start(anna, boris)
    url = f"/conversations/{conversation.pk}/messages"
    assert_error(api(anna).post(url, {"text": ""}), 422, "empty_message")
    assert_error(api(anna).post(url, {"text": "x" * 4001}), 422, "text_too_long", field="text")
    block_create(blocker=boris, target=anna)
    assert_error(api(anna).post(url, {"text": "hi"}), 403, "cannot_message")
    assert not Message.objects.exists() and not Event.objects.filter(kind="message.sent").exists()


def test_sending_is_rate_limited_with_retry_after(settings, api, anna, boris):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "messages": [(2, 60)]}
    url = f"/conversations/{start(anna, boris).pk}/messages"
    client = api(anna)
    assert client.post(url, {"text": "1"}).status_code == 201
    assert client.post(url, {"text": "2"}).status_code == 201
    response = client.post(url, {"text": "3"})
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0


def test_messages_list_newest_first_with_cursor(api, anna, boris):
    conversation = chat(anna, boris, "one")
    send(anna, conversation, "two")
    send(anna, conversation, "three")
    first = api(boris).get(f"/conversations/{conversation.pk}/messages", {"limit": 2}).json()
    assert [m["text"] for m in first["items"]] == ["three", "two"]
    rest = api(boris).get(f"/conversations/{conversation.pk}/messages",
                          {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [m["text"] for m in rest["items"]] == ["one"] and rest["next_cursor"] is None


def test_read_and_seen(api, anna, boris):
    conversation = chat(anna, boris)
    last = send(anna, conversation, "two")
    assert api(boris).get(f"/conversations/{conversation.pk}").json()["unread_count"] == 2
    response = api(boris).post(f"/conversations/{conversation.pk}/read")
    assert response.json() == {"last_read_message_id": last.pk}
    assert api(anna).get(f"/conversations/{conversation.pk}").json()["seen_up_to"] == last.pk
    assert api(boris).get(f"/conversations/{conversation.pk}").json()["unread_count"] == 0


def test_shared_post_card_and_unavailable(api, make_user, anna, boris):
    author = make_user("author")
    post = make_post(author, caption="new drop")
    conversation = chat(anna, boris)
    response = api(anna).post(f"/conversations/{conversation.pk}/messages", {"post_id": post.pk})
    assert response.status_code == 201 and response.json()["post"]["id"] == post.pk
    privacy_set(user=author, is_private=True)
    item = api(boris).get(f"/conversations/{conversation.pk}/messages").json()["items"][0]
    assert item["post"] is None and item["post_unavailable"] is True
    assert_error(api(anna).post(f"/conversations/{conversation.pk}/messages", {"post_id": post.pk}), 404)


def test_message_seller_with_product_card(api, make_user, anna):
    seller = make_user("seller", account_type="business")
    product = make_product(seller, title="Linen shirt")
    conversation = api(anna).post("/conversations", {"usernames": ["seller"]}).json()
    response = api(anna).post(f"/conversations/{conversation['id']}/messages",
                              {"text": "Is M in stock?", "product_id": product.pk})
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "product" and body["product"]["title"] == "Linen shirt"
    assert body["product"]["seller"] == "seller"


def test_photo_upload(api, anna, boris):
    conversation = start(anna, boris)
    response = api(anna).upload(f"/conversations/{conversation.pk}/photos", {"photo": photo(), "text": "look"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "photo" and body["photo"]["urls"] and body["text"] == "look"
    bad = api(anna).upload(f"/conversations/{conversation.pk}/photos", {"photo": photo("corrupted.jpg")})
    assert 400 <= bad.status_code < 500 and Message.objects.count() == 1


def test_unsend_reactions_and_reply(api, anna, boris):
    conversation = chat(anna, boris)
    first = Message.objects.get()
    base = f"/conversations/{conversation.pk}/messages"
    reply = api(boris).post(base, {"text": "re", "reply_to": first.pk}).json()
    assert reply["reply_to"] == {"id": first.pk, "sender": "anna", "text": "hello"}
    reacted = api(boris).post(f"{base}/{first.pk}/reactions", {"emoji": "❤️"}).json()
    assert reacted["reactions"] == [{"emoji": "❤️", "username": "boris"}]
    assert_error(api(boris).post(f"{base}/{first.pk}/reactions", {"emoji": "<script>"}), 422, "invalid_emoji")
    assert api(boris).delete(f"{base}/{first.pk}/reactions").json()["reactions"] == []
    assert_error(api(boris).delete(f"{base}/{first.pk}"), 403, "not_sender")
    unsent = api(anna).delete(f"{base}/{first.pk}").json()
    assert unsent["unsent"] is True and unsent["text"] == ""
    assert api(boris).get(f"/conversations/{conversation.pk}/messages").json()["items"][1]["unsent"] is True


def test_groups_members_name_leave(api, make_user, anna, boris):
    carl = make_user("carl")
    make_user("dora")
    group = api(anna).post("/conversations", {"usernames": ["boris", "carl"], "name": "Trip"}).json()
    url = f"/conversations/{group['id']}"
    assert api(boris).patch(url, {"name": "Trip!"}).json()["name"] == "Trip!"
    assert_error(api(boris).post(f"{url}/members", {"usernames": ["dora"]}), 403, "not_creator")
    members = api(anna).post(f"{url}/members", {"usernames": ["dora"]}).json()["members"]
    assert {m["username"] for m in members} == {"boris", "carl", "dora"}
    assert api(anna).delete(f"{url}/members/dora").status_code == 204
    carl_client = api(carl)
    assert carl_client.post(f"{url}/leave").status_code == 204
    assert_error(carl_client.get(url), 404)


def test_folders_labels_and_quick_replies(api, make_user, anna):
    shop = make_user("shopkeeper", account_type="business")
    conversation = chat(anna, shop)
    url = f"/conversations/{conversation.pk}"
    client = api(shop)
    assert client.post(f"{url}/folder", {"folder": "general"}).json()["folder"] == "general"
    assert_error(api(anna).post(f"{url}/folder", {"folder": "general"}), 403, "not_professional")
    created = client.post("/me/quick-replies", {"shortcut": "hours", "text": "10 to 6"})
    assert created.status_code == 201
    assert_error(client.post("/me/quick-replies", {"shortcut": "hours", "text": "x"}), 409, "shortcut_taken")
    assert_error(client.post("/me/quick-replies", {"shortcut": "Bad Key", "text": "x"}), 422, "invalid_shortcut")
    assert [r["shortcut"] for r in client.get("/me/quick-replies").json()["items"]] == ["hours"]
    reply_id = created.json()["id"]
    assert client.patch(f"/me/quick-replies/{reply_id}", {"text": "9 to 6"}).json()["text"] == "9 to 6"
    assert_error(api(make_user("rival", account_type="business")).delete(f"/me/quick-replies/{reply_id}"), 404)
    assert client.delete(f"/me/quick-replies/{reply_id}").status_code == 204
    assert not QuickReply.objects.exists()


def test_labels_through_the_api(api, make_user, anna):
    shop = make_user("shopkeeper", account_type="business")
    conversation = chat(anna, shop)
    client = api(shop)
    url = f"/api/vitrina/v1/conversations/{conversation.pk}/labels"
    response = client.client.put(url, {"labels": ["paid", "follow_up"]}, content_type="application/json",
                                 headers=client._headers(None))
    assert response.json() == {"labels": ["follow_up", "paid"]}
    listed = client.get("/conversations", {"label": "paid"}).json()["items"]
    assert [c["id"] for c in listed] == [conversation.pk] and listed[0]["labels"] == ["follow_up", "paid"]
    assert client.delete(f"/conversations/{conversation.pk}/labels").json() == {"labels": []}


def test_request_delete_and_block(api, anna, boris):
    conversation = start(anna, boris)
    send(anna, conversation)
    assert api(boris).delete(f"/conversations/{conversation.pk}/request").status_code == 204
    assert api(boris).get("/conversations", {"folder": "requests"}).json()["items"] == []
    send(anna, conversation, "again")
    assert api(boris).post(f"/conversations/{conversation.pk}/request/block").status_code == 204
    assert_error(api(anna).post(f"/conversations/{conversation.pk}/messages", {"text": "x"}), 403)


# --- Someone else's ids: 404 everywhere ------------------------------------------------------------


def _paths(conversation_id, message_id, reply_id):
    c = f"/conversations/{conversation_id}"
    m = f"{c}/messages/{message_id}"
    return [
        ("get", c, None), ("patch", c, {"name": "x"}), ("post", f"{c}/members", {"usernames": ["anna"]}),
        ("delete", f"{c}/members/anna", None), ("post", f"{c}/leave", None),
        ("get", f"{c}/messages", None), ("post", f"{c}/messages", {"text": "intruder"}),
        ("delete", m, None), ("post", f"{m}/reactions", {"emoji": "❤️"}), ("delete", f"{m}/reactions", None),
        ("post", f"{c}/read", None), ("post", f"{c}/request/accept", None), ("delete", f"{c}/request", None),
        ("post", f"{c}/request/block", None), ("post", f"{c}/folder", {"folder": "general"}),
        ("delete", f"{c}/labels", None), ("patch", f"/me/quick-replies/{reply_id}", {"text": "x"}),
        ("delete", f"/me/quick-replies/{reply_id}", None),
    ]


def test_every_endpoint_answers_404_to_someone_outside_the_conversation(api, make_user, anna, boris):
    carl = make_user("carl", account_type="business")
    shop = make_user("shopkeeper", account_type="business")
    group = start(anna, boris, carl, name="G")
    message = send(anna, group, "secret")
    other = chat(shop, make_user("dora"))  # the outsider's own conversation, with their own ids
    reply = QuickReply.objects.create(owner=shop, shortcut="mine", text="t")
    intruder = api(make_user("eve", account_type="business"))
    for method, path, data in _paths(group.pk, message.pk, reply.pk):
        response = getattr(intruder, method)(path, data) if data is not None else getattr(intruder, method)(path)
        assert_error(response, 404)
    photo_response = intruder.upload(f"/conversations/{group.pk}/photos", {"photo": photo()})
    assert_error(photo_response, 404)
    # A member of one conversation with the ids of another's message: 404 too.
    other_message = Message.objects.filter(conversation=other).get()
    member_client = api(boris)
    assert_error(member_client.delete(f"/conversations/{group.pk}/messages/{other_message.pk}"), 404)
    assert_error(member_client.post(f"/conversations/{group.pk}/messages/{other_message.pk}/reactions",
                                    {"emoji": "❤️"}), 404)
    assert Message.objects.filter(text="intruder").count() == 0
    assert Message.objects.get(pk=message.pk).text == "secret"


def test_anonymous_callers_are_401(api):
    assert_error(api().get("/conversations"), 401)
    assert_error(api().post("/conversations", {"usernames": ["x"]}), 401)


def test_names_that_are_never_usernames_are_refused_before_any_query(api, anna, boris):
    for name in ("bad\x00name", "a" * 31, "<b>", "пётр"):
        assert_error(api(anna).post("/conversations", {"usernames": [name]}), 422, "account_not_found")
    group = api(anna).post("/conversations", {"usernames": ["boris", "anna"]}).json()
    assert_error(api(anna).get("/conversations", {"label": "x\x00"}), 422, "invalid_label")
    assert api(anna).get(f"/conversations/{group['id']}").status_code == 200
