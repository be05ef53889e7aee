import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import assert_error
from tests.posts_helpers import make_post, photo, stored_files
from vitrina.accounts.models import User
from vitrina.posts.models import Hashtag, Post, PostMedia

pytestmark = pytest.mark.django_db


def create(api_client, files, **fields):
    data = {"images": files, **fields}
    return api_client.upload("/posts", data)


def test_create_carousel_with_caption_tags_and_mentions(api, make_user, settings):
    author = make_user("mira")
    make_user("anna.petrova")
    caption = "Вечер в #Москва 🌆 с @anna.petrova и @nobody_here #কলকাতা #2024 #москва"
    response = create(api(author), [photo("Canon_40D.jpg"), photo("gps_DSCN0010.jpg"), photo("Nikon_D70.jpg")],
                      caption=caption, alt_texts=json.dumps(["a red flower", "", "tiny"]), location="Москва")
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["caption"] == caption
    assert post["hashtags"] == ["москва", "কলকাতা"]
    assert post["mentions"] == ["anna.petrova"]
    assert post["location"] == "Москва"
    assert [m["alt_text"] for m in post["media"]] == ["a red flower", "", "tiny"]
    first = post["media"][0]
    assert set(first["urls"]) == {"1080", "640", "320"}
    assert set(first["urls"]["640"]) == {"webp", "jpg"}
    assert first["blurhash"] and first["width"] > 0 and first["height"] > 0
    assert (post["like_count"], post["comment_count"], post["liked_by_me"], post["saved_by_me"]) == (0, 0, False, False)
    assert post["author"]["username"] == "mira" and post["product_tags"] == []
    assert User.objects.get(username="mira").posts_count == 1
    # Never upscaled: gps_DSCN0010 (640 px) has two sizes, the 100-px Canon and Nikon photos one each.
    assert len(stored_files(settings)) == 2 * 2 + 2 + 2
    assert Hashtag.objects.get(name="москва").post_count == 1


@pytest.mark.parametrize("count,code", [(0, "no_photos"), (11, "too_many_photos")])
def test_photo_count_limits(api, make_user, settings, count, code):
    author = make_user("mira")
    response = create(api(author), [photo() for _ in range(count)])
    assert_error(response, 422, code, "images")
    assert not Post.objects.exists() and stored_files(settings) == []


def test_ten_photos_are_allowed(api, make_user):
    assert create(api(make_user("mira")), [photo("Nikon_D70.jpg") for _ in range(10)]).status_code == 201


def test_caption_limits(api, make_user, settings):
    author = make_user("mira")
    assert_error(create(api(author), [photo()], caption="x" * 2201), 422, field="caption")
    too_many = " ".join(f"#tag{i}" for i in range(31))
    assert_error(create(api(author), [photo()], caption=too_many), 422, "too_many_hashtags")
    assert not Post.objects.exists() and stored_files(settings) == []
    assert create(api(author), [photo()], caption=" ".join(f"#tag{i}" for i in range(30))).status_code == 201


def test_one_bad_file_refuses_the_whole_post_and_leaves_nothing(api, make_user, settings):
    author = make_user("mira")
    svg = SimpleUploadedFile("evil.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/jpeg")
    assert_error(create(api(author), [photo(), svg]), 415)
    assert_error(create(api(author), [photo(), photo("corrupted.jpg")]), 422)
    assert not Post.objects.exists() and not PostMedia.objects.exists()
    assert stored_files(settings) == []
    assert User.objects.get(username="mira").posts_count == 0


@pytest.mark.parametrize("alt_texts", ["not json", json.dumps({"a": 1}), json.dumps(["a", "b"]), json.dumps(["x" * 301])])
def test_bad_alt_texts(api, make_user, alt_texts):
    assert_error(create(api(make_user("mira")), [photo()], alt_texts=alt_texts), 422, field="alt_texts")
    assert not Post.objects.exists()


def test_edit_caption_and_alt_texts(api, make_user):
    author = make_user("mira")
    post = make_post(author, caption="#old #kept")
    response = api(author).patch(f"/posts/{post.pk}", {"caption": "#kept #new", "alt_texts": ["a cat"]})
    assert response.status_code == 200
    body = response.json()
    assert body["hashtags"] == ["kept", "new"] and body["media"][0]["alt_text"] == "a cat"
    counts = dict(Hashtag.objects.values_list("name", "post_count"))
    assert counts == {"old": 0, "kept": 1, "new": 1}


def test_only_the_author_edits_or_deletes(api, make_user):
    author, other = make_user("mira"), make_user("omar")
    post = make_post(author)
    assert_error(api(other).patch(f"/posts/{post.pk}", {"caption": "mine now"}), 403)
    assert_error(api(other).delete(f"/posts/{post.pk}"), 403)
    assert_error(api().delete(f"/posts/{post.pk}"), 401)
    assert Post.objects.get(pk=post.pk).caption == ""


def test_delete_removes_rows_counters_and_files(api, make_user, settings, django_capture_on_commit_callbacks):
    author = make_user("mira")
    post = make_post(author, caption="#gone", photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
    assert len(stored_files(settings)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert api(author).delete(f"/posts/{post.pk}").status_code == 204
    assert stored_files(settings) == []
    assert not Post.objects.exists() and not PostMedia.objects.exists()
    assert User.objects.get(username="mira").posts_count == 0
    assert Hashtag.objects.get(name="gone").post_count == 0
    assert_error(api(author).get(f"/posts/{post.pk}"), 404)


def test_likes_are_idempotent_and_listed(api, make_user):
    author, fan, other = make_user("mira"), make_user("fan"), make_user("other")
    post = make_post(author)
    for _ in range(2):
        assert api(fan).post(f"/posts/{post.pk}/like").json() == {"liked": True, "like_count": 1}
    api(other).post(f"/posts/{post.pk}/like")
    assert [a["username"] for a in api().get(f"/posts/{post.pk}/likes").json()["items"]] == ["other", "fan"]
    assert api(fan).get(f"/posts/{post.pk}").json()["liked_by_me"] is True
    for _ in range(2):
        assert api(fan).delete(f"/posts/{post.pk}/like").json() == {"liked": False, "like_count": 1}


def test_comments_replies_and_deletion_rights(api, make_user):
    author, fan, other = make_user("mira"), make_user("fan"), make_user("other")
    post = make_post(author)
    top = api(fan).post(f"/posts/{post.pk}/comments", {"text": "Красиво! 😍"}).json()
    reply = api(author).post(f"/posts/{post.pk}/comments", {"text": "ধন্যবাদ", "reply_to": top["id"]}).json()
    deeper = api(other).post(f"/posts/{post.pk}/comments", {"text": "+1", "reply_to": reply["id"]}).json()
    assert deeper["reply_to"] == top["id"]  # one level of replies
    listing = api().get(f"/posts/{post.pk}/comments").json()
    assert [c["text"] for c in listing["items"]] == ["Красиво! 😍"]
    assert [r["text"] for r in listing["items"][0]["replies"]] == ["ধন্যবাদ", "+1"]
    assert Post.objects.get(pk=post.pk).comment_count == 3
    assert_error(api(other).delete(f"/comments/{reply['id']}"), 403)
    assert api(other).delete(f"/comments/{deeper['id']}").status_code == 204  # own comment
    assert api(author).delete(f"/comments/{top['id']}").status_code == 204  # the post owner, with its replies
    assert Post.objects.get(pk=post.pk).comment_count == 0


def test_bad_comments(api, make_user):
    author, fan = make_user("mira"), make_user("fan")
    post, elsewhere = make_post(author), make_post(author)
    assert_error(api(fan).post(f"/posts/{post.pk}/comments", {"text": "   "}), 422, field="text")
    assert_error(api(fan).post(f"/posts/{post.pk}/comments", {"text": "x" * 2201}), 422, field="text")
    other_comment = api(fan).post(f"/posts/{elsewhere.pk}/comments", {"text": "hi"}).json()
    assert_error(api(fan).post(f"/posts/{post.pk}/comments", {"text": "hi", "reply_to": other_comment["id"]}),
                 422, field="reply_to")
    assert Post.objects.get(pk=post.pk).comment_count == 0


def test_owner_turns_comments_off(api, make_user):
    author, fan = make_user("mira"), make_user("fan")
    post = make_post(author)
    assert api(author).patch(f"/posts/{post.pk}", {"comments_enabled": False}).json()["comments_enabled"] is False
    assert_error(api(fan).post(f"/posts/{post.pk}/comments", {"text": "hello"}), 403, "comments_off")
    assert Post.objects.get(pk=post.pk).comment_count == 0


def test_saves_are_private_to_the_saver(api, make_user):
    author, fan, other = make_user("mira"), make_user("fan"), make_user("other")
    post = make_post(author)
    for _ in range(2):
        assert api(fan).post(f"/posts/{post.pk}/save").json() == {"saved": True}
    assert [p["id"] for p in api(fan).get("/me/saved").json()["items"]] == [post.pk]
    assert api(other).get("/me/saved").json()["items"] == []
    assert api(fan).get(f"/posts/{post.pk}").json()["saved_by_me"] is True
    assert api(other).get(f"/posts/{post.pk}").json()["saved_by_me"] is False
    assert "save_count" not in api(author).get(f"/posts/{post.pk}").json()
    assert api(fan).delete(f"/posts/{post.pk}/save").json() == {"saved": False}
    assert api(fan).get("/me/saved").json()["items"] == []


def test_profile_posts_newest_first_by_cursor(api, make_user):
    author = make_user("mira")
    ids = [make_post(author, photos=("Nikon_D70.jpg",)).pk for _ in range(5)]
    first = api().get("/accounts/mira/posts", {"limit": 3}).json()
    second = api().get("/accounts/mira/posts", {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in first["items"] + second["items"]] == list(reversed(ids))
    assert second["next_cursor"] is None


def test_hashtag_page_any_script_and_case(api, make_user):
    author = make_user("mira")
    make_post(author, caption="#Москва")
    make_post(author, caption="#москва #কলকাতা")
    body = api().get("/hashtags/" + quote("МОСКВА") + "/posts").json()
    assert body["hashtag"] == {"name": "москва", "post_count": 2}
    assert len(body["items"]) == 2
    assert api().get("/hashtags/" + quote("কলকাতা") + "/posts").json()["hashtag"]["post_count"] == 1
    assert_error(api().get("/hashtags/nothing/posts"), 404)


def test_post_list_uses_a_fixed_number_of_queries(api, make_user):
    author, viewer = make_user("mira"), make_user("fan")
    for i in range(3):
        make_post(author, caption=f"#t{i} @fan", photos=("Nikon_D70.jpg",))
    client = api(viewer)
    client.get("/me")  # the token's first use writes last_used_at; keep that out of the count
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/accounts/mira/posts").json()["items"]) == 3
    for i in range(12):
        make_post(author, caption=f"#t{i} @fan", photos=("Nikon_D70.jpg", "Nikon_D70.jpg"))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/accounts/mira/posts").json()["items"]) == 15
    assert len(many) == len(few)


def test_media_urls_are_signed_and_expire(api, make_user, client):
    author = make_user("mira")
    post = make_post(author)
    url = api().get(f"/posts/{post.pk}").json()["media"][0]["urls"]["320"]["jpg"]
    assert client.get(url).status_code == 200
    path, query = url.split("?")
    assert client.get(path).status_code == 404
    assert client.get(path + "?" + query.replace("s=", "s=0")).status_code == 404
    assert client.get(path + "?e=1&s=" + query.split("s=")[1]).status_code == 404


def test_photos_per_post_is_a_setting(api, make_user, settings):
    settings.MAX_PHOTOS_PER_POST = 2
    author = make_user("mira")
    error = assert_error(create(api(author), [photo("Nikon_D70.jpg") for _ in range(3)]), 422, "too_many_photos")
    assert "2 photos" in error["message"]
    assert create(api(author), [photo("Nikon_D70.jpg") for _ in range(2)]).status_code == 201
