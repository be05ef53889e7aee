"""Blocks in the admin, to look at only: a block written or removed here would skip
block_create's clean-up of follows. The User admin lives in vitrina.lifecycle.admin
(its delete action needs the account purge, which sits above accounts)."""

from django.contrib import admin

from vitrina.accounts.models import Block
from vitrina.core.admin import ReadOnlyAdmin


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("blocker__username", "blocked__username")
    raw_id_fields = ("blocker", "blocked")
