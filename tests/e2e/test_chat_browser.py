"""A buyer and a shop chatting live on two phones, in English, Russian and Bengali: the buyer asks about a
product from its page ("Message seller"); the shop hears of it at once (the notifications badge, no
reload), opens the request, sees the buyer typing, answers with a saved quick reply, which appears on
the buyer's open thread by itself, and labels the conversation "new order"; the buyer sees "Seen"."""

import pytest
from playwright.sync_api import expect

from tests.checkout_helpers import make_product
from tests.e2e.helpers import log_in
from vitrina.messaging.quick_replies import quick_reply_create

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "Yes, M is in stock and ships tomorrow."


@pytest.mark.parametrize("locale", ["en-US", "ru-RU", "bn-BD"])
def test_a_buyer_and_a_shop_chat_live_with_a_quick_reply_and_a_label(new_context, live_socket, make_user,
                                                                     save_screen, locale):
    shop = make_user("linen.shop", account_type="business")
    product = make_product(shop, title="Linen shirt Oka")
    quick_reply_create(owner=shop, shortcut="instock", text=ANSWER)
    make_user("buyer")

    shop_phone = new_context("phone", locale=locale).new_page()
    log_in(shop_phone, "linen.shop")
    shop_phone.goto("/direct/")
    expect(shop_phone.get_by_test_id("notifications-badge")).to_have_count(0)

    buyer_phone = new_context("phone", locale=locale).new_page()
    log_in(buyer_phone, "buyer")
    buyer_phone.goto(f"/shop/products/{product.pk}/")
    buyer_phone.get_by_test_id("message-seller").click()
    expect(buyer_phone.get_by_test_id("attached-product")).to_be_visible()
    buyer_phone.get_by_test_id("message-input").fill("Is the shirt in M?")
    buyer_phone.get_by_test_id("send").click()
    expect(buyer_phone.get_by_test_id("message-text").last).to_have_text("Is the shirt in M?")

    # The shop's open inbox hears of it without a reload: the heart's badge.
    expect(shop_phone.get_by_test_id("notifications-badge")).to_have_text("1", timeout=5000)
    save_screen(shop_phone, "chat-shop-notified")
    shop_phone.get_by_test_id("folder-requests").click()
    shop_phone.get_by_test_id("conversation").first.click()
    expect(shop_phone.get_by_test_id("product-card")).to_be_visible()
    expect(shop_phone.get_by_test_id("message-text").last).to_have_text("Is the shirt in M?")

    # Opening a request tells the buyer nothing yet (no "Seen" before the shop accepts, by answering).
    expect(buyer_phone.get_by_test_id("seen")).to_have_count(0)

    # The quick reply fills the composer; sent, it appears on the buyer's thread by itself.
    shop_phone.get_by_test_id("quick-replies").click()
    shop_phone.get_by_test_id("quick-reply").first.click()
    expect(shop_phone.get_by_test_id("message-input")).to_have_value(ANSWER)
    shop_phone.get_by_test_id("send").click()
    expect(buyer_phone.get_by_test_id("message-text").last).to_have_text(ANSWER, timeout=5000)
    expect(buyer_phone.get_by_test_id("seen")).to_be_visible(timeout=5000)
    save_screen(buyer_phone, "chat-buyer-answered")

    # Now a conversation of both: the shop typing shows on the buyer's thread.
    shop_phone.get_by_test_id("message-input").press_sequentially("Any")
    expect(buyer_phone.get_by_test_id("typing")).to_be_visible(timeout=5000)
    shop_phone.get_by_test_id("message-input").fill("")

    # The shop labels the conversation; the label filter finds it.
    shop_phone.get_by_test_id("organize").click()
    shop_phone.get_by_test_id("labels-form").locator("input[value=new_order]").check()
    shop_phone.get_by_test_id("save-labels").click()
    shop_phone.goto("/direct/?folder=primary&label=new_order")
    expect(shop_phone.get_by_test_id("conversation")).to_have_count(1)
    save_screen(shop_phone, "chat-shop-labelled")
