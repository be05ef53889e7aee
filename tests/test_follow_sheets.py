"""The follow control's labels and the confirmation sheets for unfollow, withdraw, remove and block.

The sheets are <details> elements: their forms are in the page and post without JavaScript.
"""

import re

import pytest
from django.test import Client

from vitrina.accounts.models import Block
from vitrina.social import services
from vitrina.social.models import Follow, FollowRequest

pytestmark = pytest.mark.django_db


def form_in(page: str, marker: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the first form after `marker` (a data-testid) in the page."""
    start = page.index(f'data-testid="{marker}"')
    form = page[page.index("<form", start):page.index("</form>", start)]
    action = re.search(r'action="([^"]+)"', form).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return action, fields


def details_around(page: str, marker: str) -> str:
    """The <details> element that holds `marker`."""
    at = page.index(f'data-testid="{marker}"')
    start = page.rindex("<details", 0, at)
    return page[start:page.index("</details>", at)]


def follow_button(page: str) -> str:
    return re.search(r'data-testid="follow-button"[^>]*>([^<]*)<', page).group(1)


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_the_button_says_you_follow_and_the_list_says_following_in_russian(page_client, make_user):
    fan, star = make_user("fan"), make_user("star")
    services.follow_create(follower=fan, target=star)
    client = page_client(fan)
    ru = {"Accept-Language": "ru"}
    assert follow_button(client.get("/star/", headers=ru).content.decode()) == "Вы подписаны"
    assert follow_button(client.get("/star/").content.decode()) == "Following"
    tabs = client.get("/fan/following/", headers=ru).content.decode().split('<nav class="tabs">')[1].split("</nav>")[0]
    assert re.findall(r">([^<>]+)</a>", tabs) == ["Подписчики", "Подписки"]
    # The one who is followed is offered to follow back; someone with a request pending sees it.
    assert follow_button(page_client(star).get("/fan/", headers=ru).content.decode()) == "Подписаться в ответ"
    owner = make_user("owner", private=True)
    services.follow_create(follower=fan, target=owner)
    assert follow_button(client.get("/owner/", headers=ru).content.decode()) == "Запрос отправлен"
    bn = {"Accept-Language": "bn"}
    assert follow_button(client.get("/owner/", headers=bn).content.decode()) == "অনুরোধ পাঠানো হয়েছে"


def test_unfollow_is_confirmed_in_a_sheet_that_posts_without_javascript(make_user):
    fan, star = make_user("fan"), make_user("star")
    services.follow_create(follower=fan, target=star)
    client = csrf_client(fan)
    page = client.get("/star/").content.decode()
    sheet = details_around(page, "unfollow-sheet")
    assert 'data-testid="follow-button" data-state="following"' in sheet  # the summary opens it
    assert "Unfollow star?" in sheet and 'data-testid="unfollow-button"' in sheet and "data-sheet-close" in sheet
    assert "request to follow star again" not in sheet  # a public account: following again is one tap
    action, fields = form_in(page, "unfollow-sheet")
    assert action == "/star/follow/" and fields["action"] == "unfollow"
    response = client.post(action, fields)
    assert response.status_code == 302 and response["Location"] == "/star/"
    assert not Follow.objects.exists()
    assert follow_button(client.get("/star/").content.decode()) == "Follow"


def test_unfollowing_a_private_account_warns_about_asking_again(page_client, make_user):
    fan, owner = make_user("fan"), make_user("owner", private=True)
    services.follow_create(follower=fan, target=owner)
    services.follow_request_approve(target=owner, requester=fan)
    sheet = details_around(page_client(fan).get("/owner/").content.decode(), "unfollow-sheet")
    assert "you'll have to request to follow owner again" in sheet


def test_withdrawing_a_request_is_confirmed_too(make_user):
    fan, _ = make_user("fan"), make_user("owner", private=True)
    client = csrf_client(fan)
    client.get("/owner/")
    client.post("/owner/follow/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "action": "follow"})
    assert FollowRequest.objects.filter(requester=fan).exists()
    page = client.get("/owner/").content.decode()
    sheet = details_around(page, "unfollow-sheet")
    assert 'data-state="requested"' in sheet and "Withdraw your request to follow owner?" in sheet
    action, fields = form_in(page, "unfollow-sheet")
    assert client.post(action, fields).status_code == 302
    assert not FollowRequest.objects.exists()


def test_htmx_swaps_the_whole_control_and_focuses_the_new_button(page_client, make_user):
    fan, star = make_user("fan"), make_user("star")
    client = page_client(fan)
    htmx = {"HX-Request": "true"}
    followed = client.post("/star/follow/", {"action": "follow", "next": "/star/"}, headers=htmx).content.decode()
    assert followed.strip().startswith('<div class="follow-control">')
    # The unfollow form inside the sheet replaces the control around it, sheet and all.
    assert 'hx-target="closest .follow-control" hx-swap="outerHTML"' in details_around(followed, "unfollow-sheet")
    assert re.search(r'<summary [^>]*data-state="following" autofocus>', followed)
    unfollowed = client.post("/star/follow/", {"action": "unfollow", "next": "/star/"}, headers=htmx).content.decode()
    assert "<details" not in unfollowed and 'class="follow-form"' in unfollowed
    assert re.search(r'<button [^>]*data-state="none" autofocus>Follow</button>', unfollowed)
    assert not Follow.objects.filter(target=star).exists()
    # A full page never moves the focus by itself.
    assert "autofocus" not in client.get("/star/").content.decode()


def test_removing_a_follower_is_confirmed_in_a_sheet(make_user):
    fan, star, other = make_user("fan"), make_user("star"), make_user("other")
    services.follow_create(follower=fan, target=star)
    client = csrf_client(star)
    page = client.get("/star/followers/").content.decode()
    sheet = details_around(page, "remove-sheet")
    assert 'data-testid="remove-follower"' in sheet and "Remove follower?" in sheet
    assert "fan won't be told" in sheet
    action, fields = form_in(page, "remove-sheet")
    assert action == "/fan/remove-follower/"
    response = client.post(action, fields, follow=True)
    assert response.redirect_chain[-1][0] == "/star/followers/"
    assert "fan was removed from your followers." in response.content.decode()
    assert not Follow.objects.exists()
    # Only on one's own list of followers.
    services.follow_create(follower=fan, target=other)
    assert 'data-testid="remove-sheet"' not in client.get("/other/followers/").content.decode()


def test_removing_a_follower_with_htmx_replaces_the_row(page_client, make_user):
    fan, star = make_user("fan"), make_user("star", private=True)
    services.follow_create(follower=fan, target=star)
    services.follow_request_approve(target=star, requester=fan)
    client = page_client(star)
    page = client.get("/star/followers/").content.decode()
    sheet = details_around(page, "remove-sheet")
    assert 'hx-target="closest li"' in sheet and "they'll have to ask to follow you" in sheet
    response = client.post("/fan/remove-follower/", headers={"HX-Request": "true"}).content.decode()
    assert "fan was removed from your followers." in response and "<details" not in response
    assert not Follow.objects.exists()


def test_block_is_confirmed_in_the_profile_sheet_and_undone_from_the_list(make_user):
    mira, omar = make_user("mira"), make_user("omar", display_name="Omar K")
    client = csrf_client(mira)
    page = client.get("/omar/").content.decode()
    sheet = details_around(page, "block-sheet")
    assert 'class="sheet-host profile-menu"' in sheet and "Block omar?" in sheet and "Omar K" in sheet
    action, fields = form_in(page, "block-sheet")
    assert action == "/omar/block/" and fields["action"] == "block"
    assert client.post(action, fields).status_code == 302
    assert Block.objects.filter(blocker=mira, blocked=omar).exists()
    listing = client.get("/accounts/blocked/").content.decode()
    assert '<a class="person-link" href="/omar/">' in listing and "Omar K" in listing
    action, fields = form_in(listing, "blocked-list")
    assert fields["action"] == "unblock"
    assert client.post(action, fields).status_code == 302
    assert not Block.objects.exists()
