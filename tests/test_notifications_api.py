"""Notifications in the API and on the screen: list, read, settings, badge, languages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import assert_error
from tests.posts_helpers import make_post
from vitrina.events import dispatch
from vitrina.notifications.models import Notification
from vitrina.notifications.selectors import unread_count
from vitrina.posts import services as posts
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


@pytest.fixture
def mira(make_user):
    return make_user("mira", display_name="Mira")


def liked_by(author, people, post=None):
    post = post or make_post(author)
    for person in people:
        posts.like_create(user=person, post=post)
    dispatch.deliver()
    return post


def test_the_list_groups_people_with_a_sentence_a_target_and_a_thumbnail(make_user, mira, api):
    fans = [make_user(f"fan{i}", display_name=f"Fan {i}") for i in range(4)]
    post = liked_by(mira, fans)
    social.follow_create(follower=fans[0], target=mira)
    dispatch.deliver()
    body = api(mira).get("/notifications").json()
    assert body["next_cursor"] is None
    follow, like = body["items"]
    assert (follow["kind"], follow["count"], follow["text"]) == ("follow", 1, "Fan 0 started following you.")
    assert follow["target"]["url"] == "/fan0/"
    assert like["kind"] == "like" and like["count"] == 4 and like["read"] is False
    assert like["text"] == "Fan 3 and 3 others liked your post."
    assert [a["username"] for a in like["actors"]] == ["fan3", "fan2", "fan1"]
    assert set(like["actors"][0]) == {"username", "display_name", "avatar_url"}
    assert like["target"]["type"] == "post" and like["target"]["id"] == post.pk
    assert like["target"]["url"] == f"/p/{post.pk}/"
    assert like["target"]["thumbnail"]


def test_the_list_pages_by_cursor_in_a_fixed_number_of_queries(make_user, mira, api):
    fans = [make_user(f"fan{i}") for i in range(3)]
    for _ in range(3):
        liked_by(mira, fans)
    client = api(mira)
    client.get("/me")  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as few:
        first = client.get("/notifications", {"limit": 2}).json()
    for _ in range(6):
        liked_by(mira, fans)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/notifications", {"limit": 8}).json()["items"]) == 8
    assert len(many) == len(few)
    second = client.get("/notifications", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])
    assert_error(client.get("/notifications", {"cursor": "nonsense"}), 400, "invalid_cursor")


def test_reading_all_or_up_to_one_and_the_cached_badge(make_user, mira, api):
    anna, ben = make_user("anna"), make_user("ben")
    liked_by(mira, [anna])
    liked_by(mira, [ben])
    assert unread_count(mira) == 2
    client = api(mira)
    older, newer = sorted(Notification.objects.filter(recipient=mira), key=lambda n: n.position)
    assert client.post("/notifications/read", {"up_to": older.pk}).json() == {"marked": 1, "unread": 1}
    liked_by(mira, [anna])  # the consumer's write forgets the cached count
    assert unread_count(mira) == 2
    assert client.post("/notifications/read").json() == {"marked": 2, "unread": 0}
    assert all(item["read"] for item in client.get("/notifications").json()["items"])
    # Someone else's id is not there.
    other = make_user("other")
    liked_by(other, [anna])
    theirs = Notification.objects.get(recipient=other)
    assert_error(client.post("/notifications/read", {"up_to": theirs.pk}), 404)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert_error(api().get("/notifications"), 401)


def test_settings_read_and_change_per_kind(make_user, mira, api):
    client = api(mira)
    assert client.get("/me/notification-settings").json()["like"] is True
    changed = client.patch("/me/notification-settings", {"like": False}).json()
    assert (changed["like"], changed["comment"]) == (False, True)
    assert_error(client.patch("/me/notification-settings", {"like": "maybe"}), 422)
    liked_by(mira, [make_user("anna")])
    assert client.get("/notifications").json()["items"] == []


def test_the_screen_shows_the_sentences_marks_them_read_and_leads_to_requests(make_user, page_client):
    vera = make_user("vera")
    anna, ben = make_user("anna", display_name="Anna <b>"), make_user("ben")
    liked_by(vera, [anna, ben])
    social.privacy_set(user=vera, is_private=True)
    social.follow_create(follower=make_user("cleo"), target=vera)
    dispatch.deliver()
    client = page_client(vera)
    home = client.get("/").content.decode()
    assert 'data-testid="notifications-badge">2<' in home
    page = client.get("/notifications/").content.decode()
    assert "<strong>ben</strong> and 1 other liked your post." in page
    assert "Anna &lt;b&gt;" not in page  # only the first name is written out
    assert 'data-testid="notifications-requests"' in page and "1 account waits for your answer" in page
    assert 'class="notification unread"' in page
    assert unread_count(vera) == 0
    assert 'data-testid="notifications-badge"' not in client.get("/").content.decode()
    assert "notification unread" not in client.get("/notifications/").content.decode()
    assert page_client().get("/notifications/").status_code == 302


def test_names_are_escaped_on_the_screen(make_user, page_client):
    mira = make_user("mira")
    liked_by(mira, [make_user("anna", display_name="<script>x</script>")])
    page = page_client(mira).get("/notifications/").content.decode()
    assert "<strong>&lt;script&gt;x&lt;/script&gt;</strong> liked your post." in page


def test_the_settings_screen_works_without_javascript(make_user, mira, page_client, api):
    client = page_client(mira)
    assert 'data-testid="settings-notifications"' in client.get("/accounts/settings/").content.decode()
    page = client.get("/accounts/settings/notifications/").content.decode()
    assert page.count('role="switch"') == 10 and page.count("checked") == 10
    # Every box but likes ticked: likes go off.
    ticked = {kind: "on" for kind in ("comment", "reply", "mention", "follow", "follow_request",
                                      "follow_approved", "message", "order", "review")}
    assert client.post("/accounts/settings/notifications/", ticked).status_code == 302
    assert api(mira).get("/me/notification-settings").json()["like"] is False
    assert client.get("/accounts/settings/notifications/").content.decode().count("checked") == 9


def test_sentences_in_russian_with_three_plural_forms_and_in_bengali(make_user, mira, api):
    post = make_post(mira)
    fans = [make_user(f"fan{i}") for i in range(6)]
    liked_by(mira, fans[:2], post)  # 1 other
    client = api(mira)
    ru = {"Accept-Language": "ru"}
    assert client.get("/notifications", headers=ru).json()["items"][0]["text"] == \
        "fan1 и ещё 1 человек оценили ваш пост."
    liked_by(mira, fans[2:4], post)  # 3 others
    assert client.get("/notifications", headers=ru).json()["items"][0]["text"] == \
        "fan3 и ещё 3 человека оценили ваш пост."
    liked_by(mira, fans[4:], post)  # 5 others
    assert client.get("/notifications", headers=ru).json()["items"][0]["text"] == \
        "fan5 и ещё 5 человек оценили ваш пост."
    bn = client.get("/notifications", headers={"Accept-Language": "bn"}).json()["items"][0]["text"]
    assert bn == "fan5 এবং আরও 5 জন আপনার পোস্ট পছন্দ করেছেন।"


def test_one_post_liked_by_many_is_one_row(make_user, mira, api):
    fans = [make_user(f"fan{i}") for i in range(40)]
    liked_by(mira, fans)
    (item,) = api(mira).get("/notifications").json()["items"]
    assert (item["count"], len(item["actors"]), item["text"]) == (40, 3, "fan39 and 39 others liked your post.")


def test_order_sentences_for_the_seller_and_the_buyer(make_user, api):
    from tests.checkout_helpers import fill_cart, make_seller, place
    from vitrina.orders import lifecycle

    seller, variant = make_seller(make_user, "linenshop", display_name="Linen Shop")
    buyer = make_user("olga", display_name="Olga")
    fill_cart(buyer, variant)
    order = place(buyer, seller)
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    dispatch.deliver()
    (placed,) = api(seller).get("/notifications").json()["items"]
    assert placed["text"] == f"Olga placed order {order.number}."
    assert placed["target"]["url"] == f"/shop/orders/{order.number}/"
    (confirmed,) = api(buyer).get("/notifications").json()["items"]
    assert confirmed["text"] == f"Order {order.number} from Linen Shop is now confirmed."
    assert confirmed["target"]["url"] == f"/orders/{order.number}/"
    ru = api(buyer).get("/notifications", headers={"Accept-Language": "ru"}).json()["items"][0]["text"]
    assert order.number in ru and "Linen Shop" in ru and "confirmed" not in ru


def test_the_screen_in_russian_and_bengali(make_user, page_client):
    vera = make_user("vera")
    liked_by(vera, [make_user(f"fan{i}") for i in range(3)])
    social.privacy_set(user=vera, is_private=True)
    for name in ("ann", "bob"):
        social.follow_create(follower=make_user(name), target=vera)
    dispatch.deliver()
    client = page_client(vera)
    ru = client.get("/notifications/", headers={"Accept-Language": "ru"}).content.decode()
    assert "<strong>fan2</strong> и ещё 2 человека оценили ваш пост." in ru
    assert "2 аккаунта ждут вашего ответа" in ru
    assert "<strong>bob</strong> и ещё 1 человек хотят подписаться на вас." in ru
    bn = client.get("/notifications/", headers={"Accept-Language": "bn"}).content.decode()
    assert "<strong>fan2</strong> এবং আরও 2 জন আপনার পোস্ট পছন্দ করেছেন।" in bn


def test_a_message_notification_links_to_its_conversation(make_user, mira, api, page_client):
    from tests.messaging_helpers import chat

    anna = make_user("anna", display_name="Anna")
    conversation = chat(anna, mira, "hello")
    dispatch.deliver()
    (item,) = api(mira).get("/notifications").json()["items"]
    assert (item["text"], item["target"]["type"], item["target"]["id"], item["target"]["url"]) == (
        "Anna sent you a message.", "conversation", conversation.pk, f"/direct/{conversation.pk}/")
    page = page_client(mira).get("/notifications/").content.decode()
    assert f'href="/direct/{conversation.pk}/"' in page


def test_the_top_bar_reads_the_badge_from_the_cache_and_no_request_count(make_user, page_client):
    vera = make_user("vera", private=True)
    social.follow_create(follower=make_user("anna"), target=vera)
    dispatch.deliver()
    client = page_client(vera)
    client.get("/accounts/settings/")  # the session's first request, and the badge read into the cache
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/accounts/settings/").content.decode()
    assert 'data-testid="notifications-badge">1<' in page
    assert not [q for q in queries.captured_queries
                if "notifications_notification" in q["sql"] or "social_followrequest" in q["sql"]]
