from django.core.management.base import BaseCommand

from vitrina.lifecycle.purge import purge_due


class Command(BaseCommand):
    help = "Remove accounts whose deletion grace period is over, with their files. Safe to run twice."

    def handle(self, *args, **options):
        count = purge_due()
        self.stdout.write(f"Purged {count} account(s).")
