"""The demo's direct messages: customers asking the two shops about products (with the product card),
the shops answering with a saved quick reply and labelling the conversation, and a message request
between two members, so the inbox of `make run` looks lived in.

Seeded through the real services. A pair that already has a conversation is left as it is, so a
second `make run` adds nothing and keeps whatever people wrote since.
"""

from functools import partial

from django.db import transaction

from vitrina.accounts.models import User
from vitrina.core.errors import ServiceError
from vitrina.messaging import inbox, quick_replies, services
from vitrina.messaging.models import QuickReply
from vitrina.messaging.selectors import conversation_with
from vitrina.shop.models import Product

# (customer, shop, question, the shop's quick reply (shortcut, text), the shop's label)
SHOP_CHATS = [
    ("anna.petrova", "moscow.linen", "Здравствуйте! Есть ли эта рубашка в размере M? И когда сможете отправить?",
     ("sizes", "Здравствуйте! Все размеры в наличии, отправим курьером на следующий день после оплаты."),
     "new_order"),
    ("rahim.kolkata", "dhaka.tea", "আসসালামু আলাইকুম! এই চা কি ঢাকার বাইরে পাঠানো যাবে?",
     ("delivery", "ওয়ালাইকুম আসসালাম! হ্যাঁ, সারা দেশে কুরিয়ারে ৩–৫ দিনে পৌঁছে যায়।"), "follow_up"),
]
# (sender, recipient, text): the recipient does not follow the sender, so it waits in Requests.
REQUESTS = [("maria.bakes", "anna.petrova", "Привет! Увидела твои фото с выпечкой — поделишься рецептом?")]


def seed_messages(users: dict[str, User]) -> int:
    """Seed the demo conversations not there yet; how many were made."""
    made = 0
    for customer, shop, question, (shortcut, answer), label in SHOP_CHATS:
        if customer in users and shop in users and _new_pair(users[customer], users[shop]):
            made += _seeded(partial(_shop_chat, users[customer], users[shop], question, shortcut, answer, label))
    for sender, recipient, text in REQUESTS:
        if sender in users and recipient in users and _new_pair(users[sender], users[recipient]):
            made += _seeded(partial(_send, users[sender], users[recipient], text))
    return made


def _new_pair(a: User, b: User) -> bool:
    return conversation_with(user=a, other=b) is None


def _seeded(make) -> int:
    try:
        with transaction.atomic():
            make()
    except ServiceError:
        # Refused in a demo people have used (a block between the two): left out, `make run` goes on.
        return 0
    return 1


def _send(sender: User, recipient: User, text: str, **attachment):
    conversation, _created = services.conversation_start(starter=sender, usernames=[recipient.username])
    services.message_send(sender=sender, conversation=conversation, text=text, **attachment)
    return conversation


def _shop_chat(customer: User, shop: User, question: str, shortcut: str, answer: str, label: str) -> None:
    product = Product.objects.filter(shop__owner=shop).order_by("id").first()
    conversation = _send(customer, shop, question, **({"product": product.pk} if product else {}))
    reply = QuickReply.objects.filter(owner=shop, shortcut=shortcut).first() \
        or quick_replies.quick_reply_create(owner=shop, shortcut=shortcut, text=answer)
    services.message_send(sender=shop, conversation=conversation, text=reply.text)
    inbox.labels_set(user=shop, conversation=conversation, labels=[label])
