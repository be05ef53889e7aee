"""Demo data for `make run`: fourteen accounts that follow each other, and two shops
(vitrina/demo/shops.py: roubles in Moscow, taka in Dhaka) with products tagged on posts and orders.

Idempotent: accounts that already exist are left as they are, and a shop is seeded only
while its owner has none, so running `make run` again keeps whatever people did in the
demo. Explore's pool and trends are built at the end, so the first page shows them without
waiting for the scheduler.
"""

import io
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image

from vitrina.accounts import services as account_services
from vitrina.accounts.models import User
from vitrina.demo import insights as demo_insights
from vitrina.demo import messages as demo_messages
from vitrina.demo import shops
from vitrina.events import dispatch
from vitrina.events.services import deliveries_held
from vitrina.feed.explore import ranking, trending
from vitrina.posts import services as post_services
from vitrina.posts.models import Post
from vitrina.rankings.services import rankings_recompute
from vitrina.social import services as social_services

PHOTOS = Path(__file__).resolve().parents[2] / "photos"
DEMO_PASSWORD = "vitrina-demo-2026"

# username, type, display name, bio, (photo, crop box as fractions), extra fields
ACCOUNTS = [
    ("anna.petrova", "personal", "Анна Петрова", "Москва · кофе и книги ☕📚", ("coffee.png", (0.2, 0.0, 0.8, 0.9)), {}),
    ("rahim.kolkata", "creator", "রহিম আহমেদ", "কলকাতার রাস্তার ছবি 📷", ("rocket.jpg", (0.25, 0.1, 0.75, 0.6)), {"city": ""}),
    ("lena.travels", "creator", "Lena Fischer", "Travel photographer. 40 countries and counting ✈️",
     ("hubble_deep_field.jpg", (0.0, 0.0, 0.5, 0.5)), {}),
    ("maria.bakes", "personal", "María José", "Sourdough, every Sunday 🍞", ("coffee.png", (0.0, 0.1, 0.5, 0.9)), {}),
    ("coffee.corner", "business", "Coffee Corner ☕", "Specialty coffee roasted in Kolkata. Order online, pick up in 10 min.",
     ("coffee.png", (0.3, 0.2, 0.9, 1.0)), {"category": "food", "city": "Kolkata", "contact_email": "hello@coffee-corner.example",
                                              "contact_phone": "+91 33 4000 1234", "website": "https://coffee-corner.example"}),
    ("orbit.outfitters", "business", "Orbit Outfitters", "Outdoor gear for every launch 🚀",
     ("rocket.jpg", (0.3, 0.0, 0.7, 0.4)), {"category": "sports", "city": "Москва", "contact_email": "shop@orbit.example"}),
    ("nebula.prints", "business", "Nebula Prints", "Fine-art prints of deep space. Shipping worldwide.",
     ("hubble_deep_field.jpg", (0.4, 0.4, 1.0, 1.0)), {"category": "art", "city": "London", "website": "https://nebula-prints.example"}),
    ("chelsea.the.cat", "creator", "Chelsea 🐱", "Professional napper. Brand deals via DM.", ("chelsea.png", (0.3, 0.0, 0.85, 0.85)), {}),
    ("dhaka.crafts", "business", "ঢাকা ক্রাফটস", "হাতে বোনা নকশিকাঁথা ও শাড়ি", ("chelsea.png", (0.0, 0.2, 0.5, 1.0)),
     {"category": "handmade", "city": "ঢাকা", "contact_phone": "+880 2 5500 0000"}),
    ("moscow.linen", "business", "Лён и Хлопок",
     "Одежда и домашний текстиль из русского льна. Доставка курьером по Москве 🌾",
     ("astronaut.png", (0.3, 0.6, 0.7, 1.0)),
     {"category": "clothing", "city": "Москва", "contact_email": "privet@linen.example",
      "contact_phone": "+7 495 000-00-00"}),
    ("dhaka.tea", "business", "চা-ঘর ঢাকা", "সিলেটের চা আর হাতে তৈরি জিনিস। ঢাকার ভেতরে হোম ডেলিভারি 🍃",
     ("coffee.png", (0.5, 0.3, 1.0, 0.9)), {"category": "food", "city": "ঢাকা", "contact_phone": "+880 2 5500 1234"}),
    ("ivan.codes", "personal", "Иван", "Private account: only friends 🔒", ("astronaut.png", (0.3, 0.05, 0.75, 0.5)), {}),
    ("sam.rivera", "personal", "Sam Rivera", "Runner, reader, occasional cook.", ("astronaut.png", (0.0, 0.5, 0.5, 1.0)), {}),
    ("nadia.style", "creator", "Nadia Rahman", "Style · Dhaka ↔ London · collabs open", ("astronaut.png", (0.5, 0.5, 1.0, 1.0)), {}),
]
PRIVATE = {"ivan.codes"}
# Who follows whom: a small, lopsided graph like a real one (shops have the most followers).
FOLLOWS = {
    "anna.petrova": ["coffee.corner", "lena.travels", "ivan.codes", "chelsea.the.cat", "orbit.outfitters",
                     "moscow.linen"],
    "rahim.kolkata": ["coffee.corner", "dhaka.crafts", "nadia.style", "lena.travels", "dhaka.tea"],
    "lena.travels": ["nebula.prints", "orbit.outfitters", "rahim.kolkata", "sam.rivera", "moscow.linen", "dhaka.tea"],
    "maria.bakes": ["coffee.corner", "anna.petrova", "chelsea.the.cat", "sam.rivera", "moscow.linen"],
    "coffee.corner": ["maria.bakes", "rahim.kolkata"],
    "orbit.outfitters": ["lena.travels"],
    "nebula.prints": ["lena.travels", "orbit.outfitters"],
    "chelsea.the.cat": ["coffee.corner", "nadia.style"],
    "dhaka.crafts": ["nadia.style", "rahim.kolkata", "dhaka.tea"],
    "ivan.codes": ["anna.petrova", "orbit.outfitters", "nebula.prints", "moscow.linen"],
    "sam.rivera": ["coffee.corner", "nebula.prints", "lena.travels", "maria.bakes", "chelsea.the.cat", "ivan.codes",
                   "moscow.linen", "dhaka.tea"],
    "nadia.style": ["dhaka.crafts", "chelsea.the.cat", "coffee.corner", "nebula.prints", "lena.travels", "dhaka.tea",
                    "moscow.linen"],
    "moscow.linen": ["anna.petrova", "orbit.outfitters"],
    "dhaka.tea": ["dhaka.crafts", "nadia.style"],
}


# author, photos (file, crop box), caption, location; captions in English, Russian and Bengali.
POSTS = [
    ("coffee.corner", [("coffee.png", (0, 0, 1, 1)), ("coffee.png", (0.2, 0.1, 0.9, 0.9))],
     "Morning pour-over, single origin from Darjeeling ☕ #coffee #kolkata #specialtycoffee", "Kolkata"),
    ("coffee.corner", [("coffee.png", (0.1, 0.0, 0.7, 1.0))],
     "আজকের স্পেশাল: দার্জিলিং পোর-ওভার। দোকানে আসুন! #কলকাতা #coffee", "Kolkata"),
    ("anna.petrova", [("coffee.png", (0.25, 0.05, 0.85, 0.95))],
     "Утренний кофе перед работой. @coffee.corner, вы лучшие! #кофе #москва", "Москва"),
    ("lena.travels", [("hubble_deep_field.jpg", (0, 0, 1, 1)), ("hubble_deep_field.jpg", (0.3, 0.3, 0.8, 0.8)),
                      ("rocket.jpg", (0, 0, 1, 1))],
     "Dark-sky reserve, three nights, zero clouds. Swipe for the launch ✨ #astrophotography #travel", "Atacama"),
    ("orbit.outfitters", [("rocket.jpg", (0.1, 0.0, 0.9, 1.0))],
     "Новая коллекция: куртки, которые выдержат старт 🚀 #outdoor #москва", "Москва"),
    ("nebula.prints", [("hubble_deep_field.jpg", (0.1, 0.1, 0.9, 0.6))],
     "Deep field, printed on cotton rag, 50×70 cm. Ships worldwide. #art #space #prints", "London"),
    ("chelsea.the.cat", [("chelsea.png", (0, 0, 1, 1)), ("chelsea.png", (0.3, 0.0, 0.9, 1.0))],
     "Monday mood. Do not disturb 😼 #cats #caturday", ""),
    ("dhaka.crafts", [("chelsea.png", (0.0, 0.3, 0.6, 1.0))],
     "হাতে বোনা নকশিকাঁথা, প্রতিটি আলাদা। অর্ডার করতে মেসেজ করুন। #নকশিকাঁথা #ঢাকা #handmade", "ঢাকা"),
    ("rahim.kolkata", [("rocket.jpg", (0.2, 0.2, 0.8, 0.9))],
     "শহরের আকাশে আজ সন্ধ্যা 🌆 #কলকাতা #streetphotography", "কলকাতা"),
    ("nadia.style", [("astronaut.png", (0, 0, 1, 1))],
     "Suit up. New collab coming with @orbit.outfitters 👩‍🚀 #style #collab", "London"),
    ("ivan.codes", [("astronaut.png", (0.2, 0.0, 0.8, 0.6))], "Только для друзей 🔒 #private", ""),
    ("sam.rivera", [("coffee.png", (0.0, 0.2, 0.6, 1.0))], "Post-run coffee with @maria.bakes #running #coffee", ""),
]
LIKES = ["anna.petrova", "sam.rivera", "maria.bakes", "rahim.kolkata", "nadia.style", "lena.travels"]
COMMENTS = [
    ("maria.bakes", "Looks amazing! 😍"),
    ("anna.petrova", "Очень красиво!"),
    ("rahim.kolkata", "অসাধারণ! 👏"),
]


def photo_upload(photo: str, box: tuple) -> SimpleUploadedFile:
    with Image.open(PHOTOS / photo) as image:
        w, h = image.size
        crop = image.convert("RGB").crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
        out = io.BytesIO()
        crop.save(out, "JPEG", quality=92)
    return SimpleUploadedFile(f"{Path(photo).stem}.jpg", out.getvalue(), content_type="image/jpeg")


def avatar_upload(photo: str, box: tuple) -> SimpleUploadedFile:
    with Image.open(PHOTOS / photo) as image:
        w, h = image.size
        crop = image.convert("RGB").crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
        out = io.BytesIO()
        crop.save(out, "PNG")
    return SimpleUploadedFile(f"{Path(photo).stem}.png", out.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Create the demo accounts (if missing) and print their logins."

    def handle(self, *args, **options):
        # One delivery of the events at the end, not one per transaction (see deliveries_held).
        with deliveries_held():
            created, users, shops_made = self._seed_people_posts_and_shops()
        # After the posts and shops whose views it makes up; events first, so the orders are in the folds.
        dispatch.deliver()
        demo_insights.seed_insights(users)
        now = timezone.now()
        ranking.pool_publish(now=now)
        trending.trends_publish(now=now)
        # The demo's likes, comments, follows and orders wrote events; their notifications exist once
        # this returns (after-commit delivery may have applied them already: then this applies nothing).
        dispatch.deliver()
        # The demo's business accounts in the rating at once, not after the first daily run (a few queries).
        rankings_recompute()
        if options["verbosity"]:
            self.stdout.write(f"Demo data: {len(created)} account(s) created, {len(users)} in all"
                              + (f"; shops seeded: {', '.join(shops_made)}." if shops_made else "."))
            self.stdout.write("Log in as any of these with the password " + DEMO_PASSWORD + ":")
            for username, account_type, *_rest in ACCOUNTS:
                private = " (private)" if username in PRIVATE else ""
                self.stdout.write(f"  {username:<18} {account_type}{private}")

    def _seed_people_posts_and_shops(self) -> tuple[list[str], dict, list]:
        """The accounts (those missing), their follows, posts, shops and messages; returns the usernames
        created now, every demo account by username, and the shops seeded."""
        created = []
        for index, (username, account_type, display_name, bio, (photo, box), extra) in enumerate(ACCOUNTS):
            if User.objects.filter(username=username).exists():
                continue
            with transaction.atomic():
                user = account_services.user_signup(
                    username=username, email=f"{username}@demo.vitrina.example", password=DEMO_PASSWORD,
                    account_type=account_type, display_name=display_name,
                )
                # Demo addresses cannot receive mail; mark them confirmed so no banner asks for it. Their
                # people last logged in on different days, some over a month ago, as a real audience did
                # (the rating's share of active followers reads it).
                User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now(),
                                                       last_login=timezone.now() - timedelta(days=index * 7 % 45))
                social_services.account_update(user=user, data={"bio": bio, **extra})
                account_services.avatar_set(user=user, upload=avatar_upload(photo, box))
            created.append(username)
        users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])}
        if created:
            # Follows first, privacy last, so that the private account has followers
            # and one request still waiting (sam.rivera asks after it went private).
            # Only follows that involve an account made now: a demo seeded before keeps
            # whatever its people followed and unfollowed since.
            new = set(created)
            for follower, targets in FOLLOWS.items():
                for target in targets:
                    if follower == "sam.rivera" and target in PRIVATE or not {follower, target} & new \
                            or not {follower, target} <= users.keys():
                        continue
                    social_services.follow_create(follower=users[follower], target=users[target])
            for username in PRIVATE & new:
                social_services.account_update(user=users[username], data={"is_private": True})
            if {"sam.rivera", "ivan.codes"} & new:
                social_services.follow_create(follower=users["sam.rivera"], target=users["ivan.codes"])
        if created and not Post.objects.filter(author__in=users.values()).exists():
            self._seed_posts(users)
        # The demo orders' status emails would go to addresses nobody reads and bury the logins
        # printed below under some sixty console emails.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            shops_made = shops.seed_shops(users, photo_upload)
        # After the shops: the customers' questions carry their products' cards.
        demo_messages.seed_messages(users)
        return created, users, shops_made

    def _seed_posts(self, users: dict) -> None:
        for author, photos, caption, location in POSTS:
            post = post_services.post_create(
                author=users[author], uploads=[photo_upload(name, box) for name, box in photos],
                caption=caption, location=location,
            )
            # Only people who may see the post engage with it (the private account's post included).
            def may_see(username, post=post):
                return Post.objects.visible_to(users[username]).filter(pk=post.pk).exists()

            for index, liker in enumerate(LIKES):
                if liker != author and (post.pk + index) % 3 != 0 and may_see(liker):
                    post_services.like_create(user=users[liker], post=post)
            for index, (commenter, text) in enumerate(COMMENTS):
                if commenter != author and (post.pk + index) % 2 == 0 and may_see(commenter):
                    comment = post_services.comment_create(author=users[commenter], post=post, text=text)
                    if index == 0:
                        post_services.comment_create(author=users[author], post=post, text="🙏", reply_to=comment)
