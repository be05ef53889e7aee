"""Demo data for `make run`: a dozen accounts that follow each other.

Idempotent: accounts that already exist are left as they are, so running
`make run` again keeps whatever people did in the demo.
"""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image

from vitrina.accounts import services as account_services
from vitrina.accounts.models import User
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
    ("ivan.codes", "personal", "Иван", "Private account: only friends 🔒", ("astronaut.png", (0.3, 0.05, 0.75, 0.5)), {}),
    ("sam.rivera", "personal", "Sam Rivera", "Runner, reader, occasional cook.", ("astronaut.png", (0.0, 0.5, 0.5, 1.0)), {}),
    ("nadia.style", "creator", "Nadia Rahman", "Style · Dhaka ↔ London · collabs open", ("astronaut.png", (0.5, 0.5, 1.0, 1.0)), {}),
]
PRIVATE = {"ivan.codes"}
# Who follows whom: a small, lopsided graph like a real one (shops have the most followers).
FOLLOWS = {
    "anna.petrova": ["coffee.corner", "lena.travels", "ivan.codes", "chelsea.the.cat", "orbit.outfitters"],
    "rahim.kolkata": ["coffee.corner", "dhaka.crafts", "nadia.style", "lena.travels"],
    "lena.travels": ["nebula.prints", "orbit.outfitters", "rahim.kolkata", "sam.rivera"],
    "maria.bakes": ["coffee.corner", "anna.petrova", "chelsea.the.cat", "sam.rivera"],
    "coffee.corner": ["maria.bakes", "rahim.kolkata"],
    "orbit.outfitters": ["lena.travels"],
    "nebula.prints": ["lena.travels", "orbit.outfitters"],
    "chelsea.the.cat": ["coffee.corner", "nadia.style"],
    "dhaka.crafts": ["nadia.style", "rahim.kolkata"],
    "ivan.codes": ["anna.petrova", "orbit.outfitters", "nebula.prints"],
    "sam.rivera": ["coffee.corner", "nebula.prints", "lena.travels", "maria.bakes", "chelsea.the.cat", "ivan.codes"],
    "nadia.style": ["dhaka.crafts", "chelsea.the.cat", "coffee.corner", "nebula.prints", "lena.travels"],
}


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
        created = []
        for username, account_type, display_name, bio, (photo, box), extra in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            with transaction.atomic():
                user = account_services.user_signup(
                    username=username, email=f"{username}@demo.vitrina.example", password=DEMO_PASSWORD,
                    account_type=account_type, display_name=display_name,
                )
                social_services.account_update(user=user, data={"bio": bio, **extra})
                account_services.avatar_set(user=user, upload=avatar_upload(photo, box))
            created.append(username)
        users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])}
        if created:
            # Follows first, privacy last, so that the private account has followers
            # and one request still waiting (sam.rivera asks after it went private).
            for follower, targets in FOLLOWS.items():
                for target in targets:
                    if follower == "sam.rivera" and target in PRIVATE:
                        continue
                    social_services.follow_create(follower=users[follower], target=users[target])
            for username in PRIVATE:
                social_services.account_update(user=users[username], data={"is_private": True})
            social_services.follow_create(follower=users["sam.rivera"], target=users["ivan.codes"])
        if options["verbosity"]:
            self.stdout.write(f"Demo data: {len(created)} account(s) created, {len(users)} in all.")
            self.stdout.write("Log in as any of these with the password " + DEMO_PASSWORD + ":")
            for username, account_type, *_rest in ACCOUNTS:
                private = " (private)" if username in PRIVATE else ""
                self.stdout.write(f"  {username:<18} {account_type}{private}")
