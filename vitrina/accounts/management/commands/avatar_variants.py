import logging

from django.core.management.base import BaseCommand

from vitrina.accounts.models import User
from vitrina.accounts.services import avatar_small_backfill
from vitrina.core.errors import ServiceError
from vitrina.media.images import STORAGE_ERRORS

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Make the small WebP avatars of avatars stored before they existed. Safe to repeat and to run "
            "while Vitrina serves: until then pages show those avatars from their JPEG.")

    def handle(self, *args, **options):
        made = failed = 0
        for user in User.objects.exclude(avatar="").filter(avatar_small={}).order_by("pk").iterator():
            try:
                made += avatar_small_backfill(user=user)
            except (ServiceError, *STORAGE_ERRORS) as exc:
                # A file gone from storage or unreadable: that avatar keeps being shown from its JPEG.
                failed += 1
                log.warning("No small avatars for %s (%s): %s", user.username, user.avatar, exc)
        if options["verbosity"]:
            self.stdout.write(f"Small avatars made for {made} account(s), {failed} failed.")
