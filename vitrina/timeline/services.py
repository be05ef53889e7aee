"""What the posts app tells timelines: a post was published or deleted (after commit)."""

from vitrina.timeline import tasks


def post_published(*, post_id: int, author_id: int) -> None:
    tasks.fan_out.enqueue(post_id=post_id, author_id=author_id)


def post_removed(*, post_id: int, author_id: int) -> None:
    tasks.remove_post.enqueue(post_id=post_id, author_id=author_id)
