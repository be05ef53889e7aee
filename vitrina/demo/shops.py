"""The demo's two shops: a Moscow linen shop selling in roubles (Russian texts) and a Dhaka tea and
crafts shop selling in taka (Bengali texts), each with products, photos, variants, collections, a
courier, posts with products tagged on them, and orders from demo members in every state.

Everything goes through the real services (catalog, tags, cart, checkout, lifecycle), so the demo
shows what the app makes, and a change to a service shows up here. A shop is seeded whole in one
transaction or not at all, so "the owner has a shop" is the guard against seeding it twice: a
second `make run` leaves the shop, and whatever people did with it, as it is.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from vitrina.accounts.models import User
from vitrina.core.errors import ServiceError
from vitrina.orders import addresses, cart, checkout, lifecycle, promos
from vitrina.orders.models import Order, OrderEvent, OrderStatus
from vitrina.posts import services as post_services
from vitrina.reviews.services import review_create
from vitrina.shop import collections, photos, services, shop_settings, tag_services
from vitrina.shop.models import DeliveryMethod, Product, Shop

S = OrderStatus


@dataclass
class DemoProduct:
    title: str
    description: str
    category: str
    photo: tuple  # (demo photo file, crop box as fractions)
    variants: list  # (name, sku, price, stock)
    alt: str = ""


@dataclass
class DemoOrder:
    buyer: str
    lines: list  # (product index, variant index, quantity)
    delivery: str  # pickup or courier
    payment: str  # cod or bank_transfer
    status: str  # where the order ends: placed, confirmed, paid, shipped, delivered, cancelled
    days_ago: int  # when it was placed, for a timeline that reads like a real one
    tracking: str = ""
    note: str = ""
    promo: str = ""
    # The buyer's review of a delivered order (seed_reviews).
    review: dict | None = None


@dataclass
class DemoShop:
    owner: str
    currency: str
    bank_details: str
    pickup: str  # the name of the shop's pickup (every shop has one, named in the language it was opened in)
    courier: tuple  # (name, price)
    products: list[DemoProduct]
    collections: list  # (title, product indexes)
    posts: list  # (photo, crop box, caption, location, [(product index, x, y)])
    addresses: dict  # buyer: address fields
    orders: list[DemoOrder]
    promo: tuple | None = None  # (code, percent)


MOSCOW_ADDRESS = {"phone": "+7 915 000-12-34", "city": "Москва", "country": "RU"}
DHAKA_ADDRESS = {"phone": "+880 1711-000000", "city": "ঢাকা", "country": "BD"}

LINEN = DemoShop(
    owner="moscow.linen",
    currency="RUB",
    bank_details="Т-Банк, р/с 40802 810 0 0000 0012345, БИК 044525974, получатель ИП Соколова Е. А.\n"
                 "В назначении платежа укажите номер заказа.",
    pickup="Самовывоз: ул. Покровка, 17 (м. Китай-город)",
    courier=("Курьер по Москве", "350"),
    promo=("LEN10", "10"),
    products=[
        DemoProduct(
            "Льняная рубашка «Ока»",
            "Свободная рубашка из стираного русского льна. Мягкая с первой носки, не мнётся так, как "
            "обычный лён. Перламутровые пуговицы, длинный рукав.\n\nСостав: 100% лён. Стирка при 40°.",
            "Рубашки", ("astronaut.png", (0.15, 0.35, 0.85, 1.0)),
            [("S · молочный", "OKA-S-MLK", "4900", 8), ("M · молочный", "OKA-M-MLK", "4900", 12),
             ("L · молочный", "OKA-L-MLK", "4900", 6), ("M · оливковый", "OKA-M-OLV", "5200", 5)],
            alt="Рубашка из молочного льна",
        ),
        DemoProduct(
            "Платье-рубашка «Волга»",
            "Длинное платье-рубашка с поясом. Лёгкое, дышит в жару, хорошо смотрится и с кедами, и с "
            "сандалиями.\n\nСостав: 100% лён.",
            "Платья", ("astronaut.png", (0.0, 0.2, 0.6, 1.0)),
            [("S", "VOLGA-S", "7900", 4), ("M", "VOLGA-M", "7900", 6), ("L", "VOLGA-L", "7900", 3)],
        ),
        DemoProduct(
            "Льняные брюки «Плёс»",
            "Прямые брюки на мягкой резинке с завязками. Два глубоких кармана.\n\nСостав: 100% лён.",
            "Брюки", ("rocket.jpg", (0.25, 0.3, 0.75, 1.0)),
            [("44", "PLES-44", "5600", 5), ("46", "PLES-46", "5600", 7), ("48", "PLES-48", "5600", 7),
             ("50", "PLES-50", "5600", 4)],
        ),
        DemoProduct(
            "Комплект постельного белья «Утро»",
            "Пододеяльник, простыня и две наволочки из плотного льна. С каждой стиркой становится мягче.",
            "Постельное бельё", ("coffee.png", (0.0, 0.0, 0.6, 0.8)),
            [("1,5-спальный", "UTRO-15", "9900", 5), ("2-спальный", "UTRO-20", "11900", 4),
             ("Евро", "UTRO-EU", "12900", 3)],
        ),
        DemoProduct(
            "Льняное полотенце «Баня»",
            "Вафельное полотенце из льна: быстро сохнет и хорошо впитывает.",
            "Полотенца", ("coffee.png", (0.4, 0.2, 1.0, 1.0)),
            [("50×70 см", "BANYA-50", "990", 20), ("70×140 см", "BANYA-70", "1690", 15)],
        ),
        DemoProduct(
            "Фартук «Пекарня»",
            "Фартук с карманом на груди и длинными завязками. Один размер.",
            "Для кухни", ("chelsea.png", (0.0, 0.0, 0.55, 1.0)),
            [("", "APRON-1", "1490", 3)],
        ),
    ],
    collections=[("Одежда", [0, 1, 2]), ("Для дома", [3, 4, 5])],
    posts=[
        ("astronaut.png", (0.1, 0.2, 0.9, 1.0),
         "Новая коллекция льна: рубашки «Ока» и брюки «Плёс» уже в магазине. Нажмите на фото, чтобы увидеть цены 🌾 "
         "#лён #москва #slowfashion", "Москва", [(0, 0.5, 0.35), (2, 0.45, 0.8)]),
        ("coffee.png", (0.0, 0.0, 1.0, 1.0),
         "Утро начинается с льняного белья ☀️ Комплект «Утро», полотенца и фартук — в наличии. #лён #дом",
         "Москва", [(3, 0.3, 0.4), (4, 0.7, 0.6), (5, 0.5, 0.85)]),
    ],
    addresses={
        "anna.petrova": {"name": "Анна Петрова", "line1": "ул. Покровка, 12, кв. 5", "postal_code": "101000"},
        "sam.rivera": {"name": "Sam Rivera", "line1": "Малая Бронная ул., 20, кв. 14", "postal_code": "123104"},
        "lena.travels": {"name": "Lena Fischer", "line1": "Гостиница «Пекин», Большая Садовая ул., 5/1",
                         "postal_code": "123001"},
        "ivan.codes": {"name": "Иван Смирнов", "line1": "Ленинский пр-т, 45, кв. 210", "postal_code": "119334"},
    },
    orders=[
        DemoOrder("anna.petrova", [(0, 1, 1), (4, 0, 2)], "courier", "cod", S.DELIVERED, 9,
                  tracking="Курьер Алексей, +7 900 111-22-33", note="Позвоните за час, пожалуйста.",
                  review={"rating": 5, "seller_rating": 5,
                          "text": "Рубашка села идеально, лён мягкий уже с первой носки. Курьер приехал вовремя."}),
        DemoOrder("maria.bakes", [(5, 0, 1)], "pickup", "cod", S.PLACED, 0),
        DemoOrder("sam.rivera", [(2, 2, 1)], "courier", "cod", S.CONFIRMED, 1),
        DemoOrder("lena.travels", [(3, 2, 1)], "courier", "bank_transfer", S.PAID, 2, promo="LEN10"),
        DemoOrder("ivan.codes", [(1, 1, 1)], "courier", "bank_transfer", S.SHIPPED, 4,
                  tracking="СДЭК 1234567890"),
        DemoOrder("nadia.style", [(0, 0, 1)], "pickup", "cod", S.CANCELLED, 3),
    ],
)

TEA = DemoShop(
    owner="dhaka.tea",
    currency="BDT",
    bank_details="ডাচ্-বাংলা ব্যাংক, হিসাব নম্বর 123.151.0045678, হিসাবের নাম: চা-ঘর ঢাকা।\n"
                 "রেফারেন্সে অর্ডার নম্বরটি লিখুন।",
    pickup="দোকান থেকে সংগ্রহ: সাত মসজিদ রোড, ধানমন্ডি",
    courier=("কুরিয়ার (ঢাকার ভেতরে)", "80"),
    products=[
        DemoProduct(
            "সিলেটের সবুজ চা",
            "সিলেটের বাগান থেকে নতুন ফসলের সবুজ চা। হালকা, সতেজ স্বাদ; ৮০° পানিতে দুই মিনিট ভিজিয়ে রাখুন।",
            "চা", ("coffee.png", (0.3, 0.0, 0.9, 0.9)),
            [("১০০ গ্রাম", "GREEN-100", "350", 30), ("২৫০ গ্রাম", "GREEN-250", "790", 20)],
            alt="কাপে সবুজ চা",
        ),
        DemoProduct(
            "শ্রীমঙ্গলের কালো চা",
            "কড়া লিকারের কালো চা, দুধ চায়ের জন্য আদর্শ। শ্রীমঙ্গলের বাগান থেকে সরাসরি।",
            "চা", ("coffee.png", (0.0, 0.1, 0.5, 0.9)),
            [("২০০ গ্রাম", "BLACK-200", "280", 40), ("৫০০ গ্রাম", "BLACK-500", "650", 25)],
        ),
        DemoProduct(
            "চায়ের উপহার বাক্স",
            "তিন রকমের চা (সবুজ, কালো, মসলা) আর একটি মাটির কাপ, হাতে বানানো পাটের বাক্সে।",
            "উপহার", ("hubble_deep_field.jpg", (0.2, 0.2, 0.7, 0.7)),
            [("", "GIFT-BOX", "1450", 10)],
        ),
        DemoProduct(
            "মাটির চায়ের কাপ, ৬টির সেট",
            "কুমারের হাতে গড়া মাটির কাপ। চায়ে মাটির হালকা ঘ্রাণ, ঠিক রাস্তার টং দোকানের মতো।",
            "হস্তশিল্প", ("rocket.jpg", (0.0, 0.4, 0.5, 1.0)),
            [("লাল মাটি", "CUP6-RED", "480", 12), ("কালো মাটি", "CUP6-BLK", "520", 8)],
        ),
        DemoProduct(
            "হাতে বোনা পাটের ট্রে",
            "সোনালি আঁশে বোনা ট্রে, চা পরিবেশনের জন্য। হালকা আর মজবুত।",
            "হস্তশিল্প", ("chelsea.png", (0.45, 0.0, 1.0, 1.0)),
            [("ছোট", "TRAY-S", "650", 10), ("বড়", "TRAY-L", "950", 6)],
        ),
        DemoProduct(
            "নকশিকাঁথার টি-কোজি",
            "নকশিকাঁথার সেলাইয়ে বানানো টি-কোজি, কেতলির চা অনেকক্ষণ গরম রাখে। প্রতিটির নকশা আলাদা।",
            "হস্তশিল্প", ("chelsea.png", (0.1, 0.2, 0.6, 0.9)),
            [("", "COZY-1", "850", 7)],
        ),
    ],
    collections=[("চা", [0, 1, 2]), ("হস্তশিল্প", [3, 4, 5])],
    posts=[
        ("coffee.png", (0.1, 0.0, 0.9, 1.0),
         "নতুন ফসলের সিলেটের সবুজ চা এসে গেছে 🍃 দাম দেখতে ছবিতে ট্যাপ করুন। #চা #সিলেট #ঢাকা", "ঢাকা",
         [(0, 0.55, 0.4), (3, 0.25, 0.75)]),
        ("chelsea.png", (0.0, 0.0, 1.0, 1.0),
         "মাটির কাপে চা, পাটের ট্রেতে পরিবেশন — ঢাকার বিকেল ☕ #হস্তশিল্প #handmade", "ঢাকা",
         [(4, 0.3, 0.8), (5, 0.7, 0.3), (1, 0.5, 0.55)]),
    ],
    addresses={
        "nadia.style": {"name": "নাদিয়া রহমান", "line1": "বাড়ি ২৪, রোড ১১, বনানী", "postal_code": "1213"},
        "sam.rivera": {"name": "Sam Rivera", "line1": "House 8, Road 27, Gulshan 1", "postal_code": "1212"},
        "lena.travels": {"name": "Lena Fischer", "line1": "Hotel Amari, Gulshan 2", "postal_code": "1212"},
        "dhaka.crafts": {"name": "ঢাকা ক্রাফটস", "line1": "১৫/এ, সাত মসজিদ রোড, ধানমন্ডি", "postal_code": "1209"},
    },
    orders=[
        DemoOrder("nadia.style", [(0, 1, 2), (3, 0, 1)], "courier", "cod", S.DELIVERED, 8,
                  tracking="পাঠাও PT-2026-48213", note="বিকেল ৫টার পরে দিলে ভালো হয়।",
                  review={"rating": 5, "seller_rating": 4,
                          "text": "চায়ের ঘ্রাণ অসাধারণ, কাপগুলোও খুব সুন্দর। ডেলিভারি একদিন দেরিতে এসেছে।"}),
        DemoOrder("rahim.kolkata", [(1, 0, 1)], "pickup", "cod", S.PLACED, 0),
        DemoOrder("lena.travels", [(4, 1, 1)], "courier", "cod", S.CONFIRMED, 1),
        DemoOrder("sam.rivera", [(2, 0, 1)], "courier", "bank_transfer", S.PAID, 2),
        DemoOrder("dhaka.crafts", [(5, 0, 2)], "courier", "bank_transfer", S.SHIPPED, 5,
                  tracking="স্টেডফাস্ট কুরিয়ার SF-4821307"),
        DemoOrder("anna.petrova", [(0, 0, 1)], "pickup", "cod", S.CANCELLED, 3),
    ],
)

SHOPS = [LINEN, TEA]

# The seller's steps from placement to each end state but cancelled (the buyer cancels their own order).
PATHS = {
    ("cod", S.PLACED): [],
    ("cod", S.CONFIRMED): [S.CONFIRMED],
    ("cod", S.SHIPPED): [S.CONFIRMED, S.SHIPPED],
    ("cod", S.DELIVERED): [S.CONFIRMED, S.SHIPPED, S.DELIVERED],
    ("bank_transfer", S.PAID): [S.CONFIRMED, S.PAID],
    ("bank_transfer", S.SHIPPED): [S.CONFIRMED, S.PAID, S.SHIPPED],
    ("bank_transfer", S.DELIVERED): [S.CONFIRMED, S.PAID, S.SHIPPED, S.DELIVERED],
}


def seed_shops(users: dict[str, User], photo_upload) -> list[str]:
    """Seed each demo shop whose owner has none yet; the owners whose shops were made."""
    made = []
    for demo in SHOPS:
        owner = users.get(demo.owner)
        if owner is None or Shop.objects.filter(owner=owner).exists():
            continue
        with transaction.atomic():
            _seed_shop(demo, owner, users, photo_upload)
        made.append(demo.owner)
    return made


def _seed_shop(demo: DemoShop, owner: User, users: dict[str, User], photo_upload) -> None:
    products = []
    for item in demo.products:
        product = services.product_create(
            owner=owner, title=item.title, currency=demo.currency, description=item.description,
            category=item.category,
            variants=[{"name": name, "sku": sku, "price": price, "stock": stock}
                      for name, sku, price, stock in item.variants],
        )
        photos.product_images_add(product=product, editor=owner, uploads=[photo_upload(*item.photo)],
                                  alt_texts=[item.alt] if item.alt else None)
        products.append(product)
    for title, indexes in demo.collections:
        collections.collection_create(owner=owner, title=title, product_ids=[products[i].pk for i in indexes])
    shop_settings.delivery_method_update(method=DeliveryMethod.objects.get(shop__owner=owner, code="pickup"),
                                         editor=owner, name=demo.pickup)
    shop_settings.delivery_method_create(owner=owner, name=demo.courier[0], price=demo.courier[1], code="courier")
    shop_settings.shop_settings_update(owner=owner, accepts_bank_transfer=True, bank_details=demo.bank_details)
    if demo.promo:
        promos.promo_create(owner=owner, code=demo.promo[0], kind="percent", value=demo.promo[1])
    for photo, box, caption, location, tagged in demo.posts:
        post = post_services.post_create(author=owner, uploads=[photo_upload(photo, box)], caption=caption,
                                         location=location)
        media = post.media.order_by("position").first()
        for index, x, y in tagged:
            tag_services.product_tag_add(actor=owner, post=post, media_id=media.pk, product_id=products[index].pk,
                                         x=x, y=y)
    delivered = []
    for number, spec in enumerate(demo.orders):
        try:
            with transaction.atomic():
                order = _seed_order(demo, spec, number, owner, users[spec.buyer], products)
        except ServiceError:
            # The services refuse it in a demo people have used (a member keeps 20 addresses already, or
            # blocked the shop's account): that order is left out, rather than `make run` failing.
            continue
        if spec.review and order.status == S.DELIVERED:
            delivered.append((order, spec))
    seed_reviews(delivered)


def _seed_order(demo: DemoShop, spec: DemoOrder, number: int, owner: User, buyer: User, products: list[Product]
                ) -> Order:
    for product_index, variant_index, quantity in spec.lines:
        variant = list(products[product_index].variants.order_by("position", "id"))[variant_index]
        cart.cart_add(buyer=buyer, variant_id=variant.pk, quantity=quantity)
    address = None
    if spec.delivery != "pickup":
        fields = {**(MOSCOW_ADDRESS if demo.currency == "RUB" else DHAKA_ADDRESS), **demo.addresses[spec.buyer]}
        address = addresses.address_create(owner=buyer, data=fields).pk
    order = checkout.order_place(
        buyer=buyer, seller=owner.username, shipping_address=address, delivery_method=spec.delivery,
        payment_method=spec.payment, promo_code=spec.promo or None, note=spec.note,
        idempotency_key=f"demo-{demo.owner}-{number}",
    )
    if spec.status == S.CANCELLED:
        lifecycle.order_transition(order_id=order.pk, actor=buyer, to=S.CANCELLED, note="")
    else:
        for to in PATHS[(spec.payment, spec.status)]:
            lifecycle.order_transition(order_id=order.pk, actor=owner, to=to,
                                       tracking=spec.tracking if to == S.SHIPPED else None)
    _backdate(order, days_ago=spec.days_ago)
    order.refresh_from_db()
    return order


def _backdate(order: Order, *, days_ago: int) -> None:
    """Spread the order's timeline over the days before now (demo only: the services stamp the present),
    so the order pages read like a real history: placed `days_ago` days ago, each later step a day after."""
    if not days_ago:
        return
    placed = timezone.now() - timedelta(days=days_ago, hours=3)
    events = list(OrderEvent.objects.filter(order=order).order_by("id").values_list("pk", flat=True))
    step = timedelta(days=1) if len(events) <= days_ago else timedelta(hours=days_ago * 24 / len(events))
    for i, pk in enumerate(events):
        OrderEvent.objects.filter(pk=pk).update(created_at=placed + i * step)
    Order.objects.filter(pk=order.pk).update(created_at=placed, updated_at=placed + (len(events) - 1) * step)


def seed_reviews(delivered: list[tuple[Order, DemoOrder]]) -> None:
    """Each delivered demo order's buyer reviews its first line, through the service (so the shop's and
    the product's rating totals are kept as for any review)."""
    for order, spec in delivered:
        line = order.lines.order_by("id").first()
        try:
            review_create(buyer=order.buyer, order_id=order.pk, line_id=line.pk, rating=spec.review["rating"],
                          seller_rating=spec.review["seller_rating"], text=spec.review["text"])
        except ServiceError:
            continue  # reviewed already in a used demo, or the buyer's review limit reached
