"""The direct-message pages: inbox, thread, forms without JavaScript, escaping, 404 for outsiders."""

import pytest
from django.urls import reverse

from tests.checkout_helpers import fill_cart, make_product, make_seller, place
from tests.messaging_helpers import chat, send, start
from tests.posts_helpers import make_post, photo
from vitrina.messaging import inbox, services
from vitrina.messaging.models import Member, Message, QuickReply
from vitrina.social.services import block_create, follow_create

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "https://example.com/\"onmouseover=\"alert(1)",
    "<a href=\"javascript:alert(1)\">x</a>",
]


@pytest.fixture
def anna(make_user):
    return make_user("anna")


@pytest.fixture
def boris(make_user):
    return make_user("boris")


def thread_url(conversation):
    return reverse("messaging:thread", args=[conversation.pk])


@pytest.mark.parametrize("payload", XSS)
def test_message_text_is_escaped_on_the_thread(page_client, anna, boris, payload):
    conversation = chat(anna, boris, f"look {payload} here")
    html = page_client(boris).get(thread_url(conversation)).content.decode()
    body = html[html.index('data-testid="messages"'):html.index('data-testid="composer"')]
    assert "<script" not in body and "onerror=" not in body.replace("onerror=&quot;", "")
    assert "<svg onload" not in body and 'href="javascript' not in body
    assert "onmouseover=\"" not in body


def test_links_are_clickable_only_for_http_and_https(page_client, anna, boris):
    conversation = chat(anna, boris, "see https://example.com/a?b=1&c=2, or javascript:alert(1) or ftp://x.y")
    html = page_client(boris).get(thread_url(conversation)).content.decode()
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener ugc" target="_blank">' in html
    assert 'href="javascript' not in html and 'href="ftp' not in html


def test_inbox_tabs_for_personal_and_business_accounts(page_client, make_user, anna):
    personal = page_client(anna).get(reverse("messaging:inbox")).content.decode()
    assert 'data-testid="folder-primary"' in personal and 'data-testid="folder-general"' not in personal
    assert 'data-testid="label-filter"' not in personal
    shop = make_user("shopkeeper", account_type="business")
    business = page_client(shop).get(reverse("messaging:inbox")).content.decode()
    assert 'data-testid="folder-general"' in business and 'data-testid="label-filter"' in business


def test_the_inbox_lists_conversations_with_unread_and_the_badge(page_client, anna, boris):
    chat(anna, boris, "hello boris")
    client = page_client(boris)
    html = client.get(reverse("messaging:inbox")).content.decode()
    assert "hello boris" in html and 'data-testid="unread-count"' in html
    assert 'data-testid="direct-badge"' in html
    conversation = Member.objects.get(user=boris).conversation
    client.get(thread_url(conversation))  # reading it marks it read
    assert 'data-testid="direct-badge"' not in client.get(reverse("messaging:inbox")).content.decode()


def test_sending_by_form_redirects_and_errors_keep_the_text(page_client, anna, boris):
    conversation = chat(anna, boris)
    client = page_client(boris)
    response = client.post(reverse("messaging:send", args=[conversation.pk]), {"text": "answer"})
    assert response.status_code == 302 and response["Location"] == thread_url(conversation)
    assert Message.objects.filter(text="answer", sender=boris).exists()
    too_long = client.post(reverse("messaging:send", args=[conversation.pk]), {"text": "y" * 4001})
    assert too_long.status_code == 422 and 'data-testid="send-error"' in too_long.content.decode()
    assert "y" * 4001 in too_long.content.decode()
    empty = client.post(reverse("messaging:send", args=[conversation.pk]), {"text": "  "})
    assert empty.status_code == 422


def test_photo_by_form(page_client, anna, boris):
    conversation = chat(anna, boris)
    response = page_client(anna).post(reverse("messaging:send", args=[conversation.pk]), {"photo": photo()})
    assert response.status_code == 302
    assert Message.objects.filter(kind="photo").exists()
    assert 'class="dm-photo"' in page_client(boris).get(thread_url(conversation)).content.decode()


def test_reply_react_unsend_and_seen_by_form(page_client, anna, boris):
    conversation = chat(anna, boris, "first")
    first = Message.objects.get()
    boris_client, anna_client = page_client(boris), page_client(anna)
    replying = boris_client.get(thread_url(conversation) + f"?reply={first.pk}").content.decode()
    assert 'data-testid="replying"' in replying and f'name="reply_to" value="{first.pk}"' in replying
    boris_client.post(reverse("messaging:send", args=[conversation.pk]), {"text": "yes", "reply_to": first.pk})
    assert Message.objects.get(text="yes").reply_to_id == first.pk
    boris_client.post(reverse("messaging:react", args=[conversation.pk, first.pk]), {"emoji": "🔥"})
    assert first.reactions.get().emoji == "🔥"
    mine = send(anna, conversation, "oops")
    boris_client.get(thread_url(conversation))
    html = anna_client.get(thread_url(conversation)).content.decode()
    assert 'data-testid="seen"' in html
    anna_client.post(reverse("messaging:unsend", args=[conversation.pk, mine.pk]))
    assert Message.objects.get(pk=mine.pk).is_unsent
    assert "Message unsent" in boris_client.get(thread_url(conversation)).content.decode()


def test_shared_post_shows_a_card_or_unavailable(page_client, make_user, anna, boris):
    author = make_user("author")
    post = make_post(author, caption="drop")
    conversation = chat(anna, boris)
    send(anna, conversation, "", post=post.pk)
    assert 'data-testid="post-card"' in page_client(boris).get(thread_url(conversation)).content.decode()
    block_create(blocker=author, target=boris)
    html = page_client(boris).get(thread_url(conversation)).content.decode()
    assert 'data-testid="post-unavailable"' in html and "This post is unavailable" in html


def test_send_a_post_from_its_page(page_client, make_user, anna, boris):
    post = make_post(make_user("author"))
    conversation = chat(anna, boris)
    client = page_client(anna)
    share = client.get(reverse("messaging:share") + f"?post={post.pk}")
    assert share.status_code == 200 and f"?post={post.pk}" in share.content.decode()
    composer = client.get(thread_url(conversation) + f"?post={post.pk}").content.decode()
    assert 'data-testid="attached-post"' in composer
    client.post(reverse("messaging:send", args=[conversation.pk]), {"text": "", "post": post.pk})
    assert Message.objects.filter(kind="post", post=post).exists()


def test_message_seller_opens_the_conversation_with_the_product_attached(page_client, make_user, anna):
    seller = make_user("seller", account_type="business")
    product = make_product(seller, title="Linen shirt")
    client = page_client(anna)
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="message-seller"' in page
    response = client.post(reverse("messaging:new"), {"username": "seller", "product": product.pk})
    assert response.status_code == 302 and f"product={product.pk}" in response["Location"]
    thread = client.get(response["Location"]).content.decode()
    assert 'data-testid="attached-product"' in thread and "Linen shirt" in thread
    conversation_id = Member.objects.get(user=anna).conversation_id
    client.post(reverse("messaging:send", args=[conversation_id]), {"text": "Is M left?", "product": product.pk})
    message = Message.objects.get()
    assert message.kind == "product" and message.product_id == product.pk
    seller_view = page_client(seller).get(reverse("messaging:thread", args=[conversation_id])).content.decode()
    assert 'data-testid="product-card"' in seller_view and 'data-testid="request-banner"' in seller_view


def test_the_sellers_order_page_links_to_the_buyer(page_client, make_user):
    seller, variant = make_seller(make_user)
    buyer = make_user("buyer")
    fill_cart(buyer, variant)
    order = place(buyer, seller)
    page = page_client(seller).get(reverse("orders:seller_order", args=[order.number])).content.decode()
    assert 'data-testid="message-buyer"' in page and 'value="buyer"' in page


def test_requests_accept_delete_block_by_form(page_client, make_user, anna, boris):
    conversation = start(anna, boris)
    send(anna, conversation)
    client = page_client(boris)
    assert 'data-testid="request-banner"' in client.get(thread_url(conversation)).content.decode()
    client.post(reverse("messaging:request", args=[conversation.pk]), {"action": "accept"})
    assert Member.objects.get(user=boris).folder == "primary"
    carl = make_user("carl")
    other = start(carl, boris)
    send(carl, other)
    client.post(reverse("messaging:request", args=[other.pk]), {"action": "block"})
    assert boris.blocks_made.filter(blocked=carl).exists()


def test_quick_replies_fill_the_composer_and_labels_by_form(page_client, make_user, anna):
    shop = make_user("shopkeeper", account_type="business")
    conversation = chat(anna, shop, "price?")
    client = page_client(shop)
    client.post(reverse("messaging:quick_replies"), {"shortcut": "price", "text": "It is 1500 RUB."})
    reply = QuickReply.objects.get()
    html = client.get(thread_url(conversation)).content.decode()
    assert 'data-testid="quick-reply"' in html
    filled = client.get(thread_url(conversation) + f"?quick={reply.pk}").content.decode()
    assert "It is 1500 RUB.</textarea>" in filled
    client.post(reverse("messaging:labels", args=[conversation.pk]), {"labels": ["paid", "follow_up"]})
    assert sorted(Member.objects.get(user=shop).labels.values_list("label", flat=True)) == ["follow_up", "paid"]
    listed = client.get(reverse("messaging:inbox") + "?folder=primary&label=paid").content.decode()
    assert "price?" in listed
    assert page_client(anna).get(reverse("messaging:quick_replies")).status_code == 404


def test_outsiders_get_404_on_every_page(page_client, make_user, anna, boris):
    conversation = chat(anna, boris)
    message = Message.objects.get()
    client = page_client(make_user("eve"))
    assert client.get(thread_url(conversation)).status_code == 404
    for name, args, data in (("send", [conversation.pk], {"text": "x"}),
                             ("unsend", [conversation.pk, message.pk], {}),
                             ("react", [conversation.pk, message.pk], {"emoji": "🔥"}),
                             ("request", [conversation.pk], {"action": "accept"}),
                             ("labels", [conversation.pk], {"labels": ["paid"]}),
                             ("folder", [conversation.pk], {"folder": "general"}),
                             ("leave", [conversation.pk], {}),
                             ("rename", [conversation.pk], {"name": "mine now"}),
                             ("members_add", [conversation.pk], {"usernames": "eve"}),
                             ("member_remove", [conversation.pk], {"username": "boris"})):
        assert client.post(reverse(f"messaging:{name}", args=args), data).status_code == 404
    assert Message.objects.count() == 1 and not message.reactions.exists()


def test_pages_need_a_login(client):
    response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_inbox_page_reads_a_fixed_number_of_queries(page_client, make_user, anna):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = page_client(anna)
    url = reverse("messaging:inbox")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for i in range(2):
        other = make_user(f"a{i}")
        follow_create(follower=anna, target=other)
        send(other, start(other, anna))
    few = count()
    for i in range(5):
        other = make_user(f"b{i}")
        follow_create(follower=anna, target=other)
        send(other, start(other, anna))
    assert count() == few


def test_deleted_requests_leave_the_inbox(page_client, anna, boris):
    conversation = start(anna, boris)
    send(anna, conversation, "spam")
    inbox.request_delete(user=boris, conversation=conversation)
    assert "spam" not in page_client(boris).get(reverse("messaging:inbox") + "?folder=requests").content.decode()
    services.message_send(sender=anna, conversation=conversation, text="again")
    assert "again" in page_client(boris).get(reverse("messaging:inbox") + "?folder=requests").content.decode()


def test_a_profile_has_a_message_button_that_opens_the_conversation(page_client, anna, boris):
    client = page_client(anna)
    assert 'data-testid="message-profile"' in client.get("/boris/").content.decode()
    response = client.post(reverse("messaging:new"), {"username": "boris"})
    conversation = Member.objects.get(user=anna).conversation
    assert response.status_code == 302 and response["Location"] == thread_url(conversation)
    refused = client.post(reverse("messaging:new"), {"username": "nobody"})
    assert refused.status_code == 302 and refused["Location"] == reverse("messaging:inbox")


def test_the_thread_page_reads_a_fixed_number_of_queries(page_client, make_user, anna, boris):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seller = make_user("seller", account_type="business")
    product = make_product(seller)
    post = make_post(make_user("author"))
    conversation = chat(anna, boris)
    client = page_client(boris)
    url = thread_url(conversation)

    def add_round():
        first = send(anna, conversation, "see https://example.com")
        send(anna, conversation, "", post=post.pk)
        send(anna, conversation, "", product=product.pk)
        reply = send(boris, conversation, "ok", reply_to=first.pk)
        services.reaction_set(user=anna, conversation=conversation, message_id=reply.pk, emoji="👍")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_round()
    few = count()
    for _ in range(3):
        add_round()
    assert count() == few


def test_a_group_is_started_from_the_inbox(page_client, make_user, anna, boris):
    make_user("carl")
    client = page_client(anna)
    assert 'data-testid="new-message"' in client.get(reverse("messaging:inbox")).content.decode()
    response = client.post(reverse("messaging:new"), {"usernames": "boris, @carl", "name": "Weekend"})
    conversation = Member.objects.get(user=anna).conversation
    assert response.status_code == 302 and conversation.is_group and conversation.name == "Weekend"
    assert conversation.members.count() == 3


def test_a_group_is_renamed_and_managed_from_its_thread(page_client, make_user, anna, boris):
    carl, dana = make_user("carl"), make_user("dana")
    group = start(anna, boris, carl, name="Weekend")
    url = thread_url(group)
    html = page_client(anna).get(url).content.decode()
    assert 'data-testid="group"' in html and 'data-testid="add-members-form"' in html
    assert html.count('data-testid="remove-member"') == 2

    # Any member renames; only the creator adds and removes, and a refusal changes nothing.
    boris_client = page_client(boris)
    assert boris_client.post(reverse("messaging:rename", args=[group.pk]), {"name": "Дача"}).status_code == 302
    group.refresh_from_db()
    assert group.name == "Дача"
    boris_html = boris_client.get(url).content.decode()
    assert 'data-testid="add-members-form"' not in boris_html and 'data-testid="remove-member"' not in boris_html
    response = boris_client.post(reverse("messaging:members_add", args=[group.pk]), {"usernames": "dana"}, follow=True)
    assert "Only the group&#x27;s creator" in response.content.decode()
    assert not Member.objects.filter(conversation=group, user=dana).exists()

    anna_client = page_client(anna)
    response = anna_client.post(reverse("messaging:members_add", args=[group.pk]), {"usernames": "dana, nobody_here"},
                                follow=True)
    assert response.status_code == 200 and not Member.objects.filter(conversation=group, user=dana).exists()
    anna_client.post(reverse("messaging:members_add", args=[group.pk]), {"usernames": "@dana"})
    assert Member.objects.get(conversation=group, user=dana).state == "active"
    anna_client.post(reverse("messaging:member_remove", args=[group.pk]), {"username": "carl"})
    assert Member.objects.get(conversation=group, user=carl).state == "left"
    assert page_client(carl).get(url).status_code == 404
    names = sorted(Member.objects.filter(conversation=group, state="active").values_list("user__username", flat=True))
    assert names == ["anna", "boris", "dana"]


def test_a_conversation_of_two_has_no_group_forms(page_client, anna, boris):
    conversation = chat(anna, boris)
    assert 'data-testid="group"' not in page_client(anna).get(thread_url(conversation)).content.decode()
    response = page_client(anna).post(reverse("messaging:rename", args=[conversation.pk]), {"name": "x"}, follow=True)
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.name == ""
