"""Notifications made from the domain events of the real services, delivered by dispatch.deliver()."""

import pytest

from tests.checkout_helpers import fill_cart, make_seller, place
from tests.demo_snapshot import seed_demo
from tests.posts_helpers import make_post
from tests.reviews_helpers import deliver
from vitrina.accounts import services as account_services
from vitrina.events import dispatch, kinds
from vitrina.events.models import Event
from vitrina.events.services import record
from vitrina.notifications import consumer
from vitrina.notifications.models import Notification, NotificationActor, NotificationSetting
from vitrina.orders import lifecycle
from vitrina.posts import services as posts
from vitrina.reviews import services as reviews
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


def groups(user):
    """{(kind, subject_type): (count, [actor usernames, newest first])} of the user's notifications."""
    out = {}
    for n in Notification.objects.filter(recipient=user):
        names = list(NotificationActor.objects.filter(notification=n).order_by("-created_at", "-pk")
                     .values_list("actor__username", flat=True))
        out[(n.kind, n.subject_type)] = (n.count, names)
    return out


@pytest.fixture
def people(make_user):
    return {name: make_user(name) for name in ("mira", "anna", "ben", "cleo")}


def test_likes_group_per_post_and_an_unlike_takes_its_person_out(people):
    mira, anna, ben, cleo = people["mira"], people["anna"], people["ben"], people["cleo"]
    post = make_post(mira)
    for fan in (anna, ben, cleo):
        posts.like_create(user=fan, post=post)
    posts.like_create(user=anna, post=post)  # again: no like added, no event
    posts.like_create(user=mira, post=post)  # her own like tells her nothing
    dispatch.deliver()
    assert groups(mira) == {("like", "post"): (3, ["cleo", "ben", "anna"])}
    posts.like_delete(user=ben, post=post)
    dispatch.deliver()
    assert groups(mira) == {("like", "post"): (2, ["cleo", "anna"])}
    posts.like_delete(user=anna, post=post)
    posts.like_delete(user=cleo, post=post)
    dispatch.deliver()
    assert groups(mira) == {}  # the empty group goes


def test_a_new_like_makes_a_read_group_unread_again_and_moves_it_up(people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    first, second = make_post(mira), make_post(mira)
    posts.like_create(user=anna, post=first)
    posts.like_create(user=anna, post=second)
    dispatch.deliver()
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    posts.like_create(user=ben, post=first)
    dispatch.deliver()
    newest = Notification.objects.filter(recipient=mira).order_by("-position").first()
    assert (newest.subject_id, newest.read_at, newest.count) == (first.pk, None, 2)


def test_comments_and_replies_reach_the_post_author_and_the_replied_person_and_go_with_deletion(people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    post = make_post(mira)
    first = posts.comment_create(author=anna, post=post, text="Lovely")
    reply = posts.comment_create(author=ben, post=post, text="Agreed", reply_to=first)
    own = posts.comment_create(author=mira, post=post, text="Thanks")
    dispatch.deliver()
    assert groups(mira) == {("comment", "post"): (2, ["ben", "anna"])}
    assert groups(anna) == {("reply", "post"): (1, ["ben"])}
    assert groups(ben) == {}
    posts.comment_delete(comment=reply, actor=ben)
    dispatch.deliver()
    assert groups(mira) == {("comment", "post"): (1, ["anna"])}
    assert groups(anna) == {}
    # A second comment keeps anna in the group when her first one goes.
    posts.comment_create(author=anna, post=post, text="Still lovely")
    posts.comment_delete(comment=first, actor=mira)
    posts.comment_delete(comment=own, actor=mira)
    dispatch.deliver()
    assert groups(mira) == {("comment", "post"): (1, ["anna"])}


def test_mentions_in_captions_and_comments_only_reach_who_may_see_the_post(make_user, people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    post = make_post(mira, caption="With @anna and @mira")
    comment = posts.comment_create(author=ben, post=post, text="@anna look")
    dispatch.deliver()
    assert groups(anna) == {("mention", "post"): (1, ["mira"]), ("mention", "comment"): (1, ["ben"])}
    assert ("mention", "post") not in groups(mira)  # not to herself
    posts.comment_delete(comment=comment, actor=ben)
    dispatch.deliver()
    assert groups(anna) == {("mention", "post"): (1, ["mira"])}
    # A private author's post: a mentioned non-follower cannot see it and hears nothing.
    secret = make_user("secret", private=True)
    make_post(secret, caption="Hi @ben")
    social.follow_create(follower=anna, target=secret)
    social.follow_request_approve(target=secret, requester=anna)
    make_post(secret, caption="Hi @anna and @ben")
    dispatch.deliver()
    assert not Notification.objects.filter(recipient=ben, kind="mention").exclude(subject_id=comment.pk).exists()
    assert Notification.objects.filter(recipient=anna, kind="mention").count() == 2


def test_an_edit_mentions_only_the_newly_named(people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    post = make_post(mira, caption="@anna")
    posts.post_update(post=post, editor=mira, caption="@anna and @ben")
    dispatch.deliver()
    assert Event.objects.filter(kind=kinds.MENTIONED).count() == 2
    assert groups(anna) == {("mention", "post"): (1, ["mira"])}
    assert groups(ben) == {("mention", "post"): (1, ["mira"])}


def test_deleting_a_post_hides_its_notifications_at_once_and_the_consumer_deletes_them(people, api):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    post = make_post(mira)
    posts.like_create(user=anna, post=post)
    posts.comment_create(author=anna, post=post, text="Nice, @ben")
    dispatch.deliver()
    assert len(api(ben).get("/notifications").json()["items"]) == 1
    posts.post_delete(post=post, actor=mira)
    assert api(mira).get("/notifications").json()["items"] == []  # before delivery
    assert api(ben).get("/notifications").json()["items"] == []
    dispatch.deliver()
    assert groups(mira) == {}


def test_follows_requests_approvals_and_their_undoing(make_user, people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    social.follow_create(follower=anna, target=mira)
    social.follow_create(follower=ben, target=mira)
    dispatch.deliver()
    assert groups(mira) == {("follow", "user"): (2, ["ben", "anna"])}
    social.follow_delete(follower=anna, target=mira)
    social.follower_remove(user=mira, follower=ben)
    dispatch.deliver()
    assert groups(mira) == {}

    vera = make_user("vera", private=True)
    for person in (anna, ben, mira):
        social.follow_create(follower=person, target=vera)
    dispatch.deliver()
    assert groups(vera) == {("follow_request", "user"): (3, ["mira", "ben", "anna"])}
    social.follow_delete(follower=anna, target=vera)  # withdrawn
    social.follow_request_deny(target=vera, requester=ben)
    social.follow_request_approve(target=vera, requester=mira)
    dispatch.deliver()
    assert groups(vera) == {("follow", "user"): (1, ["mira"])}
    assert groups(mira) == {("follow_approved", "user"): (1, ["vera"])}


def test_nothing_from_a_blocked_or_suspended_account_and_old_ones_hide_them(make_user, people, api):
    mira, anna, ben, cleo = people["mira"], people["anna"], people["ben"], people["cleo"]
    post = make_post(mira)
    posts.like_create(user=anna, post=post)
    posts.like_create(user=ben, post=post)
    dispatch.deliver()
    social.block_create(blocker=mira, target=anna)
    account_services.user_suspend(user=ben)
    posts.like_create(user=cleo, post=post)
    dispatch.deliver()
    items = api(mira).get("/notifications").json()["items"]
    assert [(i["kind"], i["count"], [a["username"] for a in i["actors"]]) for i in items] == [("like", 1, ["cleo"])]
    # A blocked person's new doings never become notifications at all.
    social.block_create(blocker=cleo, target=mira)
    dispatch.deliver()
    before = Notification.objects.count()
    record(kinds.FOLLOW_CREATED, actor=cleo, recipient=mira, subject=mira)
    record(kinds.FOLLOW_CREATED, actor=ben, recipient=mira, subject=mira)
    dispatch.deliver()
    assert Notification.objects.count() == before


def test_a_kind_turned_off_is_not_written(people):
    mira, anna = people["mira"], people["anna"]
    NotificationSetting.objects.create(user=mira, kind="like", enabled=False)
    post = make_post(mira)
    posts.like_create(user=anna, post=post)
    posts.comment_create(author=anna, post=post, text="Hi")
    dispatch.deliver()
    assert set(groups(mira)) == {("comment", "post")}


def test_a_batch_applied_twice_doubles_nothing(people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    post = make_post(mira)
    posts.like_create(user=anna, post=post)
    posts.like_create(user=ben, post=post)
    social.follow_create(follower=anna, target=mira)
    events = list(Event.objects.order_by("pk"))
    dispatch.deliver()
    once = groups(mira)
    consumer.handle(events)  # handed over again
    assert groups(mira) == once == {("like", "post"): (2, ["ben", "anna"]), ("follow", "user"): (1, ["anna"])}
    dispatch.deliver()  # the announcements of the new notifications (announce.py) change nothing here
    assert groups(mira) == once
    assert dispatch.deliver()["notifications"] == 0


def test_messages_group_per_conversation_for_each_recipient(people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    record(kinds.MESSAGE_SENT, actor=anna, subject_type="message", subject_id=1,
           data={"conversation": 7, "recipients": [mira.pk, anna.pk], "requests": [ben.pk]})
    record(kinds.MESSAGE_SENT, actor=ben, subject_type="message", subject_id=2,
           data={"conversation": 7, "recipients": [mira.pk, anna.pk], "requests": []})
    record(kinds.MESSAGE_SENT, actor=anna, subject_type="message", subject_id=3,
           data={"conversation": 7, "recipients": [mira.pk], "requests": []})
    dispatch.deliver()
    assert groups(mira) == {("message", "conversation"): (2, ["anna", "ben"])}
    assert groups(anna) == {("message", "conversation"): (1, ["ben"])}
    assert groups(ben) == {("message", "conversation"): (1, ["anna"])}
    assert Notification.objects.get(recipient=ben).data == {"request": True}


def test_orders_tell_the_seller_of_new_and_cancelled_orders_and_the_buyer_of_the_rest(make_user):
    seller, variant = make_seller(make_user, "linenshop")
    buyer = make_user("buyer")
    fill_cart(buyer, variant)
    order = place(buyer, seller)
    dispatch.deliver()
    placed = Notification.objects.get(recipient=seller)
    assert (placed.kind, placed.data["status"], placed.data["number"]) == ("order", "placed", order.number)
    assert not Notification.objects.filter(recipient=buyer).exists()
    deliver(order, seller)
    dispatch.deliver()
    told = Notification.objects.get(recipient=buyer)
    assert (told.kind, told.data["status"], told.count) == ("order", "delivered", 1)
    reviews.review_create(buyer=buyer, order_id=order.pk, rating=4)
    dispatch.deliver()
    review = Notification.objects.get(recipient=seller, kind="review")
    assert review.data == {"number": order.number, "rating": 4}
    fill_cart(buyer, variant)
    second = place(buyer, seller)
    lifecycle.order_transition(order_id=second.pk, actor=buyer, to="cancelled")
    dispatch.deliver()
    cancelled = Notification.objects.get(recipient=seller, subject_id=second.pk)
    assert cancelled.data["status"] == "cancelled"
    assert not Notification.objects.filter(recipient=buyer, subject_id=second.pk).exists()


def test_the_demo_members_have_notifications_after_seeding():
    seed_demo()
    assert {"like", "comment", "follow", "follow_request", "order"} <= set(
        Notification.objects.values_list("kind", flat=True))
    # sam.rivera asked to follow the private ivan.codes after it went private.
    asked = Notification.objects.get(recipient__username="ivan.codes", kind="follow_request")
    assert list(asked.actors.values_list("actor__username", flat=True)) == ["sam.rivera"]
    dispatch.deliver()  # only announcements of the seeded notifications were left
    assert dispatch.deliver()["notifications"] == 0


def test_a_new_notification_is_announced_once_in_the_recipients_language_for_pages_and_phones(people):
    mira, anna, ben = people["mira"], people["anna"], people["ben"]
    account_services.user_language_set(user=mira, language="ru")
    post = make_post(mira)
    posts.like_create(user=anna, post=post)
    dispatch.deliver()
    posts.like_create(user=ben, post=post)
    posts.like_delete(user=ben, post=post)
    posts.like_create(user=ben, post=post)  # ben again: still one person more, announced once
    dispatch.deliver()
    announced = list(Event.objects.filter(kind=kinds.NOTIFICATION_CREATED).order_by("pk"))
    assert [(e.recipient_id, e.actor_id) for e in announced] == [(mira.pk, anna.pk), (mira.pk, ben.pk)]
    last = announced[-1].data
    assert last["url"] == f"/p/{post.pk}/"
    assert last["text"] == "ben и ещё 1 человек оценили ваш пост."
    assert last["unread"] == 1
