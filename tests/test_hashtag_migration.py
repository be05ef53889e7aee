"""Tags stored before hashtag keys existed are keyed, and those equal but for ZWJ/ZWNJ merged."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("posts", "0002_explore_indexes")]
AFTER = [("posts", "0005_hashtag_key_unique")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # Accounts stays at its latest migration (it does not depend on posts): its models as they are now, so
    # the users made below fill every column the table has.
    graph = MigrationExecutor(connection).loader.graph
    accounts = [node for node in graph.leaf_nodes() if node[0] == "accounts"]
    return MigrationExecutor(connection).loader.project_state(targets + accounts).apps


@pytest.mark.django_db(transaction=True)
def test_migration_merges_tags_that_differ_only_by_joiners():
    apps = _migrate(BEFORE)
    try:
        User, Post = apps.get_model("accounts", "User"), apps.get_model("posts", "Post")
        Hashtag, PostHashtag = apps.get_model("posts", "Hashtag"), apps.get_model("posts", "PostHashtag")
        author = User.objects.create(username="author", email="author@example.com", password="!")
        first, second, third = (Post.objects.create(author=author, caption=str(i)) for i in range(3))
        with_zwj = Hashtag.objects.create(name="ক্\u200dষ", post_count=2)  # the oldest: its name stays
        plain = Hashtag.objects.create(name="ক্ষ", post_count=2)
        with_zwnj = Hashtag.objects.create(name="ক্\u200cষ", post_count=1)
        other = Hashtag.objects.create(name="other", post_count=1)
        for post, tag in [(first, with_zwj), (second, with_zwj), (second, plain), (third, plain), (third, with_zwnj),
                          (first, other)]:
            PostHashtag.objects.create(post=post, hashtag=tag)

        apps = _migrate(AFTER)
        Hashtag, PostHashtag = apps.get_model("posts", "Hashtag"), apps.get_model("posts", "PostHashtag")
        assert list(Hashtag.objects.order_by("pk").values_list("pk", "key", "name", "post_count")) == [
            (with_zwj.pk, "ক্ষ", "ক্\u200dষ", 3), (other.pk, "other", "other", 1),
        ]
        links = sorted(PostHashtag.objects.filter(hashtag_id=with_zwj.pk).values_list("post_id", flat=True))
        assert links == [first.pk, second.pk, third.pk]  # each post once, also those that had two spellings
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
