import pytest

from tests.posts_helpers import make_post, photo
from vitrina.posts import services
from vitrina.posts.models import Comment, Like, Post, Save

pytestmark = pytest.mark.django_db


def test_create_page_posts_photos_in_the_chosen_order(page_client, make_user):
    client = page_client(make_user("mira"))
    assert client.get("/create/").status_code == 200
    response = client.post("/create/", {
        "images": [photo("Canon_40D.jpg"), photo("Nikon_D70.jpg")], "caption": "Привет #москва",
        "location": "Moscow", "alt_text": ["flower", "camera"]})
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/p/{post.pk}/"
    assert [m.alt_text for m in post.media.all()] == ["flower", "camera"]
    assert post.media.all()[1].width == 100  # Nikon_D70 is 100 px wide and is not upscaled


def test_create_page_shows_errors_and_keeps_nothing(page_client, make_user):
    client = page_client(make_user("mira"))
    response = client.post("/create/", {"caption": "no photos"})
    assert response.status_code == 422
    assert "Add at least one photo" in response.content.decode()
    response = client.post("/create/", {"images": [photo("corrupted.jpg")]})
    assert response.status_code == 422
    assert not Post.objects.exists()


def test_post_page_shows_carousel_caption_links_and_comments(page_client, make_user):
    author = make_user("mira")
    make_user("anna")
    post = make_post(author, caption="Hi @anna #কলকাতা <script>x</script>", photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
    services.comment_create(author=author, post=post, text="first!")
    page = page_client().get(f"/p/{post.pk}/").content.decode()
    assert page.count('<source type="image/webp"') == 2
    assert 'href="/anna/"' in page and 'href="/explore/tags/%E0%A6%95%E0%A6%B2%E0%A6%95%E0%A6%BE%E0%A6%A4%E0%A6%BE/"' in page
    assert "&lt;script&gt;" in page and "<script>x" not in page
    assert "first!" in page
    assert 'data-blurhash="' in page


def test_like_save_and_comment_through_htmx(page_client, make_user):
    author, fan = make_user("mira"), make_user("fan")
    post = make_post(author)
    client = page_client(fan)
    htmx = {"HX-Request": "true"}
    response = client.post(f"/p/{post.pk}/like/", {"action": "like"}, headers=htmx)
    assert 'data-liked="true"' in response.content.decode() and "<html" not in response.content.decode()
    assert Like.objects.filter(user=fan, post=post).exists()
    client.post(f"/p/{post.pk}/save/", {"action": "save"}, headers=htmx)
    assert Save.objects.filter(user=fan, post=post).exists()
    response = client.post(f"/p/{post.pk}/comments/", {"text": "Класс!"}, headers=htmx)
    assert "Класс!" in response.content.decode()
    comment = Comment.objects.get()
    client.post(f"/p/{post.pk}/comments/", {"text": "reply", "reply_to": comment.pk})
    assert Comment.objects.get(text="reply").reply_to == comment
    assert f"/p/{post.pk}/" in client.get("/accounts/saved/").content.decode()
    assert f"/p/{post.pk}/" not in page_client(author).get("/accounts/saved/").content.decode()
    client.post(f"/p/{post.pk}/like/", {"action": "unlike"})
    assert not Like.objects.exists()


def test_comments_off_hides_the_form(page_client, make_user):
    author, fan = make_user("mira"), make_user("fan")
    post = make_post(author)
    services.post_update(post=post, editor=author, comments_enabled=False)
    page = page_client(fan).get(f"/p/{post.pk}/").content.decode()
    assert 'data-testid="comments-off"' in page and 'name="text"' not in page
    response = page_client(fan).post(f"/p/{post.pk}/comments/", {"text": "sneaky"}, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_edit_and_delete_pages_are_the_authors(page_client, make_user):
    author, other = make_user("mira"), make_user("omar")
    post = make_post(author, caption="old")
    assert page_client(other).get(f"/p/{post.pk}/edit/").status_code == 404
    assert page_client(other).post(f"/p/{post.pk}/delete/").status_code == 404
    client = page_client(author)
    response = client.post(f"/p/{post.pk}/edit/", {"caption": "new #tag", "comments_enabled": "on", "alt_text": ["alt"]})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.caption == "new #tag" and post.media.get().alt_text == "alt"
    assert client.post(f"/p/{post.pk}/delete/").status_code == 302
    assert not Post.objects.exists()


def test_log_in_and_method_checks_come_before_a_missing_post_is_404(page_client, make_user):
    response = page_client().post("/p/999999/like/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client = page_client(make_user("mira"))
    assert client.get("/p/999999/like/").status_code == 405
    assert client.post("/p/999999/like/").status_code == 404


def test_profile_grid_newest_first_with_carousel_marker(page_client, make_user):
    author = make_user("mira")
    single = make_post(author)
    carousel = make_post(author, photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
    page = page_client().get("/mira/").content.decode()
    assert page.index(f"/p/{carousel.pk}/") < page.index(f"/p/{single.pk}/")
    assert page.count('class="carousel-mark"') == 1
    assert 'data-testid="posts-count">2<' in page


def test_hashtag_and_likers_pages(page_client, make_user):
    author, fan = make_user("mira"), make_user("fan")
    post = make_post(author, caption="#москва")
    services.like_create(user=fan, post=post)
    page = page_client().get("/explore/tags/МОСКВА/").content.decode()
    assert f"/p/{post.pk}/" in page and 'data-testid="hashtag-count"' in page
    assert "fan" in page_client().get(f"/p/{post.pk}/likes/").content.decode()
    assert page_client().get("/explore/tags/unknown/").status_code == 404
