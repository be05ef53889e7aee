"""Direct messages through the services: requests, blocks, limits, unsend, reactions, read state, events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.checkout_helpers import make_product
from tests.messaging_helpers import chat, send, start
from tests.posts_helpers import make_post, photo, stored_files
from vitrina.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Throttled
from vitrina.events import kinds
from vitrina.events.models import Event
from vitrina.messaging import groups, inbox, quick_replies, selectors, services
from vitrina.messaging.models import GROUP_MAX, Conversation, Folder, Member, Message, Reaction
from vitrina.social.services import block_create, follow_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(make_user):
    return make_user("anna")


@pytest.fixture
def boris(make_user):
    return make_user("boris")


def member(user, conversation):
    return Member.objects.get(user=user, conversation=conversation)


def error_code(excinfo):
    return excinfo.value.code


# --- Starting --------------------------------------------------------------------------------------


def test_a_one_to_one_conversation_is_unique_per_pair(anna, boris):
    first, created = services.conversation_start(starter=anna, usernames=["boris"])
    again, created_again = services.conversation_start(starter=boris, usernames=["@Anna"])
    assert created and not created_again and first.pk == again.pk
    assert Conversation.objects.count() == 1 and not first.is_group


def test_a_group_takes_up_to_32_members(make_user, anna):
    others = [make_user(f"user{i}") for i in range(GROUP_MAX)]
    conversation, created = services.conversation_start(starter=anna, usernames=[u.username for u in others[:31]],
                                                        name="Friends")
    assert created and conversation.is_group and conversation.members.count() == GROUP_MAX
    with pytest.raises(InvalidInput) as error:
        services.conversation_start(starter=anna, usernames=[u.username for u in others])
    assert error_code(error) == "too_many_members" and Conversation.objects.count() == 1


def test_starting_with_nobody_or_only_oneself_is_refused(anna):
    for names in ([], ["anna"], "boris", [1]):
        with pytest.raises(InvalidInput):
            services.conversation_start(starter=anna, usernames=names)
    with pytest.raises(InvalidInput) as error:
        services.conversation_start(starter=anna, usernames=["nobody"])
    assert error_code(error) == "account_not_found"
    assert not Conversation.objects.exists()


def test_blocks_refuse_a_conversation_both_ways(anna, boris):
    block_create(blocker=boris, target=anna)
    with pytest.raises(InvalidInput) as error:
        services.conversation_start(starter=anna, usernames=["boris"])
    assert error_code(error) == "account_not_found"
    with pytest.raises(Forbidden) as error:
        services.conversation_start(starter=boris, usernames=["anna"])
    assert error_code(error) == "you_blocked" and not Conversation.objects.exists()


# --- Requests --------------------------------------------------------------------------------------


def test_a_message_from_someone_not_followed_is_a_request_until_accepted(anna, boris):
    conversation = start(anna, boris)
    send(anna, conversation, "hi")
    assert member(boris, conversation).folder == Folder.REQUESTS
    assert member(anna, conversation).folder == Folder.PRIMARY
    assert [m.conversation_id for m in selectors.conversations_of(user=boris, folder="requests").items] \
        == [conversation.pk]
    assert selectors.unread_total(boris) == 0 and selectors.requests_count(boris) == 1
    inbox.request_accept(user=boris, conversation=conversation)
    assert member(boris, conversation).folder == Folder.PRIMARY and selectors.unread_total(boris) == 1


def test_replying_accepts_a_request(anna, boris):
    conversation = start(anna, boris)
    send(anna, conversation)
    send(boris, conversation, "hello back")
    assert member(boris, conversation).folder == Folder.PRIMARY


def test_private_accounts_follow_the_same_request_rule(make_user, boris):
    private = make_user("priv", private=True)
    assert follow_create(follower=boris, target=private) == "requested"  # not yet a follower
    conversation = start(private, boris)
    send(private, conversation)
    assert member(boris, conversation).folder == Folder.REQUESTS
    carl = make_user("carl")
    follow_create(follower=private, target=carl)
    conversation = start(carl, private)
    send(carl, conversation)
    assert member(private, conversation).folder == Folder.PRIMARY


def test_a_deleted_request_is_hidden_until_a_new_message(anna, boris):
    conversation = start(anna, boris)
    send(anna, conversation, "first")
    inbox.request_delete(user=boris, conversation=conversation)
    assert selectors.conversations_of(user=boris, folder="requests").items == []
    assert selectors.messages_page(member=member(boris, conversation)).items == []
    send(anna, conversation, "second")
    shown = selectors.messages_page(member=member(boris, conversation)).items
    assert [m.text for m in shown] == ["second"] and member(boris, conversation).folder == Folder.REQUESTS


def test_blocking_from_a_request_blocks_and_deletes_it(anna, boris):
    conversation = start(anna, boris)
    send(anna, conversation)
    inbox.request_block(user=boris, conversation=conversation)
    assert boris.blocks_made.filter(blocked=anna).exists()
    assert member(boris, conversation).hidden
    with pytest.raises(Forbidden) as error:
        send(anna, conversation, "again")
    assert error_code(error) == "cannot_message"


def test_accepted_conversations_cannot_be_deleted_as_requests(anna, boris):
    conversation = chat(anna, boris)
    with pytest.raises(Conflict):
        inbox.request_delete(user=boris, conversation=conversation)


# --- Sending ---------------------------------------------------------------------------------------


def test_empty_and_over_long_messages_are_refused_and_nothing_is_stored(anna, boris):
    conversation = start(anna, boris)
    for text, code in (("", "empty_message"), ("  \u200b\n ", "empty_message"), ("x" * 4001, "text_too_long")):
        with pytest.raises(InvalidInput) as error:
            send(anna, conversation, text)
        assert error_code(error) == code
    assert send(anna, conversation, "x" * 4000).text == "x" * 4000
    assert Message.objects.count() == 1


@pytest.mark.parametrize("blocker", ["sender", "recipient"])
def test_a_block_ends_delivery_both_ways(anna, boris, blocker):
    conversation = chat(anna, boris)
    block_create(blocker=anna if blocker == "sender" else boris, target=boris if blocker == "sender" else anna)
    events = Event.objects.count()
    for sender in (anna, boris):
        with pytest.raises(Forbidden):
            send(sender, conversation, "after the block")
    assert Message.objects.count() == 1 and Event.objects.count() == events
    # What was said before is no longer shown either.
    assert selectors.messages_page(member=member(boris, conversation)).items == []


def test_in_a_group_a_block_keeps_the_messages_from_the_blocked_pair(make_user, anna, boris):
    carl = make_user("carl")
    conversation = start(anna, boris, carl)
    block_create(blocker=carl, target=anna)
    message = send(anna, conversation, "hi all")
    event = Event.objects.get(kind=kinds.MESSAGE_SENT)
    assert event.data["recipients"] == [boris.pk] and event.subject_id == message.pk
    assert [m.pk for m in selectors.messages_page(member=member(boris, conversation)).items] == [message.pk]
    assert selectors.messages_page(member=member(carl, conversation)).items == []


def test_sending_writes_the_event_with_recipients_and_requests(make_user, anna, boris):
    carl = make_user("carl")
    follow_create(follower=carl, target=anna)
    conversation = start(anna, boris, carl)
    message = send(anna, conversation, "hi")
    event = Event.objects.get(kind=kinds.MESSAGE_SENT)
    assert event.actor_id == anna.pk and event.subject_type == "message" and event.subject_id == message.pk
    assert event.data == {"conversation": conversation.pk, "recipients": [boris.pk, carl.pk], "requests": [boris.pk]}


def test_non_members_and_members_who_left_cannot_send_or_read(make_user, anna, boris):
    carl, dora = make_user("carl"), make_user("dora")
    conversation = start(anna, boris, carl)
    with pytest.raises(NotFound):
        send(dora, conversation)
    with pytest.raises(NotFound):
        selectors.conversation_get_for_member(user=dora, conversation_id=conversation.pk)
    groups.conversation_leave(user=carl, conversation=conversation)
    with pytest.raises(NotFound):
        send(carl, conversation)
    with pytest.raises(NotFound):
        selectors.conversation_get_for_member(user=carl, conversation_id=conversation.pk)


def test_sending_is_rate_limited(settings, anna, boris):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "messages": [(3, 60)]}
    conversation = start(anna, boris)
    for i in range(3):
        send(anna, conversation, f"m{i}")
    with pytest.raises(Throttled):
        send(anna, conversation, "one too many")
    assert Message.objects.count() == 3


def test_a_shared_post_must_be_visible_to_the_sender_and_is_decided_at_read_time(make_user, anna, boris):
    author = make_user("author")
    post = make_post(author, caption="look")
    conversation = chat(anna, boris)
    message = send(anna, conversation, "", post=post.pk)
    assert message.kind == "post"
    page = selectors.messages_page(member=member(boris, conversation))
    assert post.pk in page.visible_posts
    block_create(blocker=author, target=boris)
    page = selectors.messages_page(member=member(boris, conversation))
    assert post.pk not in page.visible_posts  # boris sees "This post is unavailable"
    private = make_user("hidden", private=True)
    hidden_post = make_post(private)
    with pytest.raises(NotFound):
        send(anna, conversation, "", post=hidden_post.pk)


def test_a_shared_product_must_be_visible_to_the_sender(make_user, anna, boris):
    seller = make_user("seller", account_type="business")
    product = make_product(seller)
    conversation = start(boris, seller)
    message = send(boris, conversation, "Is it in stock?", product=product.pk)
    assert message.kind == "product" and message.product_id == product.pk
    block_create(blocker=seller, target=anna)
    with pytest.raises(NotFound):
        send(anna, chat(anna, boris), "", product=product.pk)


def test_one_attachment_a_message(make_user, anna, boris):
    author = make_user("author")
    post = make_post(author)
    conversation = start(anna, boris)
    with pytest.raises(InvalidInput) as error:
        send(anna, conversation, "", post=post.pk, photo=photo())
    assert error_code(error) == "too_many_attachments"


def test_a_photo_goes_through_the_media_pipeline_and_unsend_removes_its_files(
        settings, anna, boris, django_capture_on_commit_callbacks):
    conversation = start(anna, boris)
    message = send(anna, conversation, "", photo=photo("gps_DSCN0010.jpg"))
    assert message.kind == "photo" and message.photo_width > 0 and message.storage_names()
    assert stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_unsend(sender=anna, conversation=conversation, message_id=message.pk)
    assert stored_files(settings) == []


def test_a_hostile_photo_is_refused_and_leaves_nothing(settings, anna, boris):
    conversation = start(anna, boris)
    with pytest.raises(Exception):
        send(anna, conversation, "", photo=photo("corrupted.jpg"))
    assert not Message.objects.exists() and stored_files(settings) == []


def test_a_reply_must_be_in_the_same_conversation(make_user, anna, boris):
    carl = make_user("carl")
    conversation = chat(anna, boris)
    elsewhere = send(anna, chat(anna, carl), "elsewhere")
    first = Message.objects.filter(conversation=conversation).get()
    assert send(boris, conversation, "yes", reply_to=first.pk).reply_to_id == first.pk
    with pytest.raises(InvalidInput):
        send(boris, conversation, "no", reply_to=elsewhere.pk)


# --- Unsend ----------------------------------------------------------------------------------------


def test_unsend_is_for_the_sender_within_15_minutes(anna, boris):
    conversation = chat(anna, boris)
    message = Message.objects.get()
    Reaction.objects.create(message=message, user=boris, emoji="👍")
    with pytest.raises(Forbidden) as error:
        services.message_unsend(sender=boris, conversation=conversation, message_id=message.pk)
    assert error_code(error) == "not_sender"
    late = timezone.now() + timedelta(minutes=16)
    with pytest.raises(Conflict) as error:
        services.message_unsend(sender=anna, conversation=conversation, message_id=message.pk, now=late)
    assert error_code(error) == "unsend_window_passed"
    unsent = services.message_unsend(sender=anna, conversation=conversation, message_id=message.pk)
    assert unsent.is_unsent and unsent.text == "" and not Reaction.objects.exists()
    event = Event.objects.get(kind=kinds.MESSAGE_UNSENT)
    assert event.data == {"conversation": conversation.pk} and event.subject_id == message.pk


# --- Reactions -------------------------------------------------------------------------------------


def test_one_reaction_per_member_from_the_offered_list(anna, boris):
    conversation = chat(anna, boris)
    message = Message.objects.get()
    services.reaction_set(user=boris, conversation=conversation, message_id=message.pk, emoji="❤️")
    services.reaction_set(user=boris, conversation=conversation, message_id=message.pk, emoji="🔥")
    assert list(Reaction.objects.values_list("emoji", flat=True)) == ["🔥"]
    for emoji in ("<b>", "🔥🔥", "", "x"):
        with pytest.raises(InvalidInput):
            services.reaction_set(user=boris, conversation=conversation, message_id=message.pk, emoji=emoji)
    services.reaction_clear(user=boris, conversation=conversation, message_id=message.pk)
    assert not Reaction.objects.exists()


# --- Read state ------------------------------------------------------------------------------------


def test_read_state_moves_forward_and_counts_unread(anna, boris):
    conversation = chat(anna, boris)
    send(anna, conversation, "two")
    last = send(anna, conversation, "three")
    assert selectors.conversations_of(user=boris, folder="primary").items[0].unread == 3
    assert selectors.unread_total(boris) == 1 and selectors.unread_total(anna) == 0
    services.conversation_read(member=member(boris, conversation))
    assert member(boris, conversation).last_read_message_id == last.pk
    services.conversation_read(member=member(boris, conversation), up_to=1)
    assert member(boris, conversation).last_read_message_id == last.pk
    assert selectors.unread_total(boris) == 0
    assert selectors.seen_by_others(
        selectors.conversation_get_for_member(user=anna, conversation_id=conversation.pk)) == last.pk


# --- Groups ----------------------------------------------------------------------------------------


def test_the_creator_adds_and_removes_members_and_others_may_not(make_user, anna, boris):
    carl, dora = make_user("carl"), make_user("dora")
    conversation = start(anna, boris, carl, name="Trip")
    send(anna, conversation, "before dora")
    with pytest.raises(Forbidden):
        groups.members_add(user=boris, conversation=conversation, usernames=["dora"])
    groups.members_add(user=anna, conversation=conversation, usernames=["dora"])
    assert selectors.messages_page(member=member(dora, conversation)).items == []  # history before joining
    with pytest.raises(Forbidden):
        groups.member_remove(user=boris, conversation=conversation, username="carl")
    groups.member_remove(user=anna, conversation=conversation, username="carl")
    assert member(carl, conversation).state == "left"
    groups.conversation_rename(user=boris, conversation=conversation, name="Trip 2")
    assert Conversation.objects.get(pk=conversation.pk).name == "Trip 2"


def test_adding_past_32_is_refused(make_user, anna):
    users = [make_user(f"u{i}") for i in range(GROUP_MAX)]
    conversation = start(anna, *users[:30])
    with pytest.raises(InvalidInput) as error:
        groups.members_add(user=anna, conversation=conversation, usernames=[users[30].username, users[31].username])
    assert error_code(error) == "too_many_members"
    assert Member.objects.filter(conversation=conversation).count() == 31


def test_one_to_one_conversations_are_not_groups(anna, boris):
    conversation = start(anna, boris)
    with pytest.raises(Conflict):
        groups.conversation_leave(user=anna, conversation=conversation)


def test_when_the_creator_leaves_the_longest_member_manages_the_group(make_user, anna, boris):
    carl = make_user("carl")
    conversation = start(anna, boris, carl)
    groups.conversation_leave(user=anna, conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).created_by_id == boris.pk


# --- Business inbox --------------------------------------------------------------------------------


def test_folders_and_labels_are_for_professional_accounts(make_user, anna):
    shop = make_user("shopkeeper", account_type="business")
    follow_create(follower=shop, target=anna)
    conversation = start(anna, shop)
    send(anna, conversation, "question")
    inbox.folder_move(user=shop, conversation=conversation, folder="general")
    assert member(shop, conversation).folder == Folder.GENERAL
    assert inbox.labels_set(user=shop, conversation=conversation, labels=["paid", "new_order", "paid"]) \
        == ["new_order", "paid"]
    assert [m.conversation_id for m in selectors.conversations_of(user=shop, folder="general", label="paid").items] \
        == [conversation.pk]
    assert selectors.conversations_of(user=shop, folder="general", label="follow_up").items == []
    with pytest.raises(InvalidInput):
        inbox.labels_set(user=shop, conversation=conversation, labels=["vip"])
    with pytest.raises(InvalidInput):
        inbox.folder_move(user=shop, conversation=conversation, folder="requests")
    with pytest.raises(Forbidden):
        inbox.folder_move(user=anna, conversation=conversation, folder="general")
    with pytest.raises(Forbidden):
        inbox.labels_set(user=anna, conversation=conversation, labels=["paid"])


def test_quick_replies_have_unique_shortcuts(make_user, anna):
    shop = make_user("shopkeeper", account_type="business")
    reply = quick_replies.quick_reply_create(owner=shop, shortcut="hours", text="We open at 10.")
    with pytest.raises(Conflict):
        quick_replies.quick_reply_create(owner=shop, shortcut="hours", text="Again")
    for shortcut in ("Has Space", "x" * 31, "", "ёж"):
        with pytest.raises(InvalidInput):
            quick_replies.quick_reply_create(owner=shop, shortcut=shortcut, text="t")
    with pytest.raises(InvalidInput):
        quick_replies.quick_reply_create(owner=shop, shortcut="long", text="x" * 1001)
    with pytest.raises(Forbidden):
        quick_replies.quick_reply_create(owner=anna, shortcut="hours", text="t")
    assert quick_replies.quick_reply_update(owner=shop, reply_id=reply.pk, text="At 9.").text == "At 9."
    with pytest.raises(NotFound):
        quick_replies.quick_reply_delete(owner=make_user("other", account_type="business"), reply_id=reply.pk)
    quick_replies.quick_reply_delete(owner=shop, reply_id=reply.pk)


# --- Inbox reads -----------------------------------------------------------------------------------


def test_the_inbox_takes_a_fixed_number_of_queries(make_user, anna, django_assert_max_num_queries):
    for i in range(6):
        other = make_user(f"friend{i}")
        follow_create(follower=anna, target=other)
        conversation = start(other, anna)
        send(other, conversation, f"hi {i}")
    with django_assert_max_num_queries(4):
        page = selectors.conversations_of(user=anna, folder="primary")
        rows = [(m.unread, m.conversation.last_message.sender.username,
                 [o.user.username for o in m.conversation.active], [label.label for label in m.labels.all()])
                for m in page.items]
    assert len(rows) == 6 and all(row[0] == 1 for row in rows)
    assert [m.conversation.last_message.text for m in page.items][0] == "hi 5"


def test_the_inbox_pages_by_cursor(make_user, anna):
    for i in range(3):
        other = make_user(f"friend{i}")
        follow_create(follower=anna, target=other)
        send(other, start(other, anna), f"hi {i}")
    first = selectors.conversations_of(user=anna, folder="primary", limit=2)
    second = selectors.conversations_of(user=anna, folder="primary", cursor=first.next_cursor, limit=2)
    texts = [m.conversation.last_message.text for m in first.items + second.items]
    assert texts == ["hi 2", "hi 1", "hi 0"] and second.next_cursor is None


def test_a_quote_of_a_message_the_reader_may_not_see_is_dropped(make_user, anna, boris):
    carl = make_user("carl")
    conversation = start(anna, boris, carl)
    said = send(anna, conversation, "anna's words")
    send(boris, conversation, "replying", reply_to=said.pk)
    block_create(blocker=carl, target=anna)
    for_carl = selectors.messages_page(member=member(carl, conversation)).items
    assert [(m.text, m.reply_to) for m in for_carl] == [("replying", None)]
    for_boris = selectors.messages_page(member=member(boris, conversation)).items
    assert for_boris[0].reply_to_id == said.pk and for_boris[0].reply_to.text == "anna's words"


def test_a_request_is_not_marked_read_until_accepted(anna, boris):
    conversation = start(anna, boris)
    message = send(anna, conversation)
    services.conversation_read(member=member(boris, conversation))
    assert member(boris, conversation).last_read_message_id == 0
    inbox.request_accept(user=boris, conversation=conversation)
    assert services.conversation_read(member=member(boris, conversation)) == message.pk


def test_a_purged_account_takes_its_messages_and_their_photos(settings, anna, boris,
                                                               django_capture_on_commit_callbacks):
    from vitrina.lifecycle.purge import account_purge

    conversation = chat(anna, boris)
    send(anna, conversation, "", photo=photo())
    send(boris, conversation, "still here")
    assert stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        account_purge(user=anna)
    assert stored_files(settings) == []
    assert list(Message.objects.values_list("text", flat=True)) == ["still here"]
