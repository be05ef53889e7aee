"""Step 2 of 3: give every tag its key and merge the tags whose names differ only by ZWJ/ZWNJ.

The oldest tag of a group stays, with its name as first typed; the posts of the others
move to it (a post that had both keeps one link) and its count is recounted. Separate
from the schema changes because PostgreSQL refuses to alter a table with deferred
foreign-key checks still pending in the same transaction.
"""

import unicodedata

from django.db import migrations

JOINERS = {"\u200c", "\u200d"}


def _key(name: str) -> str:
    # Frozen copy of vitrina.posts.text.hashtag_key as of this migration (names are stored
    # NFC and case-folded already).
    name = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in name if ch not in JOINERS))


def merge(apps, schema_editor):
    Hashtag = apps.get_model("posts", "Hashtag")
    PostHashtag = apps.get_model("posts", "PostHashtag")
    groups: dict[str, list[int]] = {}
    for pk, name in Hashtag.objects.order_by("pk").values_list("pk", "name").iterator():
        groups.setdefault(_key(name), []).append(pk)
    for key, (keeper, *others) in groups.items():
        if others:
            linked = set(PostHashtag.objects.filter(hashtag_id=keeper).values_list("post_id", flat=True))
            moving = PostHashtag.objects.filter(hashtag_id__in=others)
            moving.filter(post_id__in=linked).delete()
            # A post may carry two of the merged spellings: keep one link per post.
            seen: set[int] = set()
            for link_pk, post_id in moving.order_by("pk").values_list("pk", "post_id"):
                if post_id in seen:
                    PostHashtag.objects.filter(pk=link_pk).delete()
                else:
                    seen.add(post_id)
            PostHashtag.objects.filter(hashtag_id__in=others).update(hashtag_id=keeper)
            Hashtag.objects.filter(pk__in=others).delete()
            count = PostHashtag.objects.filter(hashtag_id=keeper).count()
            Hashtag.objects.filter(pk=keeper).update(key=key, post_count=count)
        else:
            Hashtag.objects.filter(pk=keeper).update(key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0003_hashtag_key"),
    ]

    operations = [
        migrations.RunPython(merge, migrations.RunPython.noop),
    ]
