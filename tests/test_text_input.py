"""Free text as members type it: invisible-only text, direction controls, hashtags told apart by joiners."""

from urllib.parse import quote

import pytest

from tests.conftest import assert_error
from tests.posts_helpers import make_post, photo
from vitrina.core.text import clean_text, has_visible
from vitrina.posts import services as post_services
from vitrina.posts import text as post_text
from vitrina.posts.models import Comment, Hashtag, Post, PostHashtag

pytestmark = pytest.mark.django_db

# Each shows nothing on its own: zero width space, word joiner, BOM, soft hyphen, HANGUL
# FILLER, LRM/RLM/ALM, a right-to-left override, ZWJ, a variation selector, braille blank.
INVISIBLE = ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u3164", "\u200e\u200f\u061c", "\u202e", "\u200d",
             "\ufe0f", "\u2800", " \u200b\n\u2060 "]


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_only_comment_is_refused(api, make_user, text):
    author = make_user("author")
    post = make_post(author)
    assert_error(api(author).post(f"/posts/{post.pk}/comments", {"text": text}), 422, field="text")
    assert not Comment.objects.exists()


def test_invisible_only_comment_on_the_page_says_write_a_comment(page_client, make_user):
    author = make_user("author")
    post = make_post(author)
    response = page_client(author).post(f"/p/{post.pk}/comments/", {"text": "\u200b\u2060"}, follow=True)
    assert "Write a comment." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_only_caption_location_and_alt_text_are_stored_empty(make_user, text):
    author = make_user("author")
    post = make_post(author, caption=text, location=text, alt_texts=[text])
    post.refresh_from_db()
    assert (post.caption, post.location, post.media.get().alt_text) == ("", "", "")
    post_services.post_update(post=post, editor=author, caption="real words")
    post_services.post_update(post=post, editor=author, caption=text, alt_texts=[text])
    post.refresh_from_db()
    assert (post.caption, post.media.get().alt_text) == ("", "")


def test_invisible_only_caption_through_the_api(api, make_user):
    author = make_user("author")
    response = api(author).upload("/posts", {"images": [photo()], "caption": "\u3164\u200b"})
    assert response.status_code == 201
    assert response.json()["caption"] == "" and Post.objects.get().caption == ""


@pytest.mark.parametrize("field", ["display_name", "bio", "city"])
def test_invisible_only_profile_text_is_stored_empty(api, make_user, field):
    user = make_user("mira", display_name="Mira", bio="hello", city="Dhaka")
    body = api(user).patch("/me", {field: "\u200b\u3164\u2060"}).json()
    assert body[field] == ""


def test_invisible_only_display_name_at_sign_up_is_empty(api):
    response = api().post("/auth/signup", {"username": "mira", "email": "m@example.com",
                                           "password": "long enough passphrase 42", "display_name": "\ufeff\u00ad"})
    assert response.status_code == 201
    assert response.json()["account"]["display_name"] == ""


def test_visible_text_keeps_its_joiners_and_marks_inside():
    # ZWJ inside an emoji sequence and a Bengali conjunct, an RLM between words, VS16 at the end.
    for text in ["👩\u200d💻", "ক্\u200dষ", "שלום\u200f world", "I ❤\ufe0f"]:
        assert clean_text(text) == text and has_visible(text)
    assert clean_text("\u200b hello \u2060") == "hello"
    assert clean_text("\u0600") == "\u0600"  # an Arabic number sign is a format character that is drawn


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                     "\u2066", "\u2067", "\u2068", "\u2069"])
def test_direction_controls_refused_in_names_at_sign_up(api, control):
    response = api().post("/auth/signup", {"username": "mira", "email": "m@example.com",
                                           "password": "long enough passphrase 42",
                                           "display_name": f"Mira{control}gnp.exe"})
    assert_error(response, 422, field="display_name")
    response = api().post("/auth/signup", {"username": f"mi{control}ra", "email": "m@example.com",
                                           "password": "long enough passphrase 42"})
    assert_error(response, 422, field="username")


def test_direction_controls_refused_on_the_profile_page(page_client, make_user):
    user = make_user("mira", display_name="Mira")
    response = page_client(user).post("/accounts/edit/", {"display_name": "Mi\u202era", "email": "m@example.com",
                                                         "account_type": "personal"})
    assert response.status_code == 422
    assert "direction controls" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Mira"


def test_direction_controls_are_removed_from_free_text(api, make_user):
    # Free text keeps the words and loses only the reordering (see vitrina.core.text).
    user = make_user("mira")
    body = api(user).patch("/me", {"bio": "a\u202eb\u2066c\u2069", "city": "\u202eDhaka"}).json()
    assert (body["bio"], body["city"]) == ("abc", "Dhaka")
    post = make_post(user, caption="look \u202egnp.exe", location="\u2067Dhaka\u2069", alt_texts=["\u202dcat"])
    post.refresh_from_db()
    assert (post.caption, post.location, post.media.get().alt_text) == ("look gnp.exe", "Dhaka", "cat")
    response = api(user).post(f"/posts/{post.pk}/comments", {"text": "nice \u202eolleh"})
    assert response.json()["text"] == "nice olleh"


# --- Hashtags and zero-width joiners ------------------------------------------------------------

CONJUNCT = "ক্ষ"  # KA + VIRAMA + SSA
WITH_ZWJ = "ক্\u200dষ"  # the same letters with a ZWJ: drawn as a half form, a different look, one word
WITH_ZWNJ = "ক্\u200cষ"


def test_hashtag_spellings_that_differ_only_by_joiners_are_one_tag(api, make_user):
    author = make_user("author")
    first = make_post(author, caption=f"#{WITH_ZWJ}মা")
    second = make_post(author, caption=f"#{CONJUNCT}মা and #{WITH_ZWNJ}মা")
    assert Hashtag.objects.count() == 1
    tag = Hashtag.objects.get()
    # Shown as first typed, joiner and all; counted once per post.
    assert tag.name == f"{WITH_ZWJ}মা" and tag.key == f"{CONJUNCT}মা" and tag.post_count == 2
    assert PostHashtag.objects.filter(post=second).count() == 1
    for spelling in (CONJUNCT, WITH_ZWJ, WITH_ZWNJ):
        body = api().get("/hashtags/" + quote(spelling + "মা") + "/posts").json()
        assert body["hashtag"] == {"name": f"{WITH_ZWJ}মা", "post_count": 2}
        assert [p["id"] for p in body["items"]] == [second.pk, first.pk]
        hits = api().get("/search", {"q": "#" + spelling, "type": "hashtags"}).json()["items"]
        assert hits == [{"name": f"{WITH_ZWJ}মা"}]


def test_hashtag_page_and_caption_links_reach_the_one_tag(page_client, make_user):
    author = make_user("author")
    make_post(author, caption=f"#{WITH_ZWJ}মা")
    post = make_post(author, caption=f"#{CONJUNCT}মা")
    detail = page_client().get(f"/p/{post.pk}/").content.decode()
    link = "/explore/tags/" + quote(f"{CONJUNCT}মা") + "/"
    assert link in detail
    page = page_client().get(link)
    assert page.status_code == 200
    assert f"#{WITH_ZWJ}মা" in page.content.decode()  # the name as first typed
    assert page.content.decode().count("/p/") >= 2


def test_hashtag_keys_are_nfc_and_case_folded():
    decomposed = "Cafe\u0301"
    assert post_text.hashtag_key(decomposed) == post_text.hashtag_key("café") == "café"
    assert post_text.hashtags_in("#Москва #москва #МОСК\u200dВА") == [("москва", "москва")]
    # Letters drawn as nothing do not make a tag.
    assert post_text.hashtags_in("#\u3164\u3164") == []


def test_hashtag_deleted_post_uncounts_the_merged_tag(make_user):
    author = make_user("author")
    make_post(author, caption=f"#{CONJUNCT}")
    post = make_post(author, caption=f"#{WITH_ZWJ}")
    post_services.post_delete(post=post, actor=author)
    assert Hashtag.objects.get().post_count == 1
