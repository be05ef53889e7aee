import pytest

from tests.posts_helpers import make_post
from vitrina.accounts.models import User
from vitrina.core.errors import InvalidInput, NotFound
from vitrina.posts import services
from vitrina.posts.models import PostReport, ReportReason
from vitrina.social.services import block_create

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_a_member_reports_a_post_once(make_user):
    author, reader = make_user("mira"), make_user("omar")
    post = make_post(author)
    assert services.post_report(reporter=reader, post=post, reason=ReportReason.SPAM) is True
    # A second report, even for another reason, is a friendly no-op: the first one stands.
    assert services.post_report(reporter=reader, post=post, reason=ReportReason.SCAM) is False
    assert list(PostReport.objects.values_list("reporter__username", "reason")) == [("omar", "spam")]
    services.post_report(reporter=make_user("lena"), post=post, reason=ReportReason.HATE)
    assert PostReport.objects.filter(post=post).count() == 2


def test_a_post_the_reporter_cannot_see_is_not_there_to_report(make_user):
    author, stranger, blocked = make_user("mira", private=True), make_user("omar"), make_user("lena")
    private_post = make_post(author)
    with pytest.raises(NotFound):
        services.post_report(reporter=stranger, post=private_post, reason=ReportReason.SPAM)
    public_post = make_post(make_user("corner.shop"))
    block_create(blocker=public_post.author, target=blocked)
    with pytest.raises(NotFound):
        services.post_report(reporter=blocked, post=public_post, reason=ReportReason.SPAM)
    assert not PostReport.objects.exists()


@pytest.mark.parametrize("reason", ["", "SPAM", "boring", None, ["spam"]])
def test_a_reason_outside_the_list_is_refused(make_user, reason):
    post = make_post(make_user("mira"))
    with pytest.raises(InvalidInput) as refused:
        services.post_report(reporter=make_user("omar"), post=post, reason=reason)
    assert refused.value.fields == {"reason": ["Choose why you are reporting this post."]}
    assert not PostReport.objects.exists()


def test_nobody_reports_their_own_post(make_user):
    author = make_user("mira")
    with pytest.raises(InvalidInput):
        services.post_report(reporter=author, post=make_post(author), reason=ReportReason.SPAM)
    assert not PostReport.objects.exists()


def test_report_from_the_sheet_through_htmx_and_without_javascript(page_client, make_user):
    post = make_post(make_user("mira"))
    client = page_client(make_user("omar"))
    sheet = client.get(f"/p/{post.pk}/").content.decode()
    assert 'data-testid="report-form"' in sheet and 'value="nudity"' in sheet

    response = client.post(f"/p/{post.pk}/report/", {"reason": "nudity"}, headers=HTMX)
    assert response.status_code == 200 and 'data-testid="report-done"' in response.content.decode()
    assert "<html" not in response.content.decode()
    again = client.post(f"/p/{post.pk}/report/", {"reason": "spam"})
    assert again.status_code == 302 and again["Location"] == f"/p/{post.pk}/"
    assert "already reported" in client.get(again["Location"]).content.decode()
    assert list(PostReport.objects.values_list("reason", flat=True)) == ["nudity"]


def test_a_bad_reason_is_shown_on_the_form_and_nothing_is_stored(page_client, make_user):
    post = make_post(make_user("mira"))
    client = page_client(make_user("omar"))
    response = client.post(f"/p/{post.pk}/report/", {"reason": "boring"}, headers=HTMX)
    assert response.status_code == 422
    assert 'data-testid="report-error"' in response.content.decode()
    page = client.post(f"/p/{post.pk}/report/", {})
    assert page.status_code == 422 and page.content.decode().count("<h1") == 1
    assert "Choose why you are reporting this post." in page.content.decode()
    assert not PostReport.objects.exists()


def test_the_report_page_is_for_members_who_see_the_post(page_client, make_user):
    post = make_post(make_user("mira", private=True))
    anonymous = page_client().post(f"/p/{post.pk}/report/", {"reason": "spam"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert page_client(make_user("omar")).post(f"/p/{post.pk}/report/", {"reason": "spam"}).status_code == 404
    assert not PostReport.objects.exists()


def test_the_owner_sees_edit_and_delete_not_report(page_client, make_user):
    author = make_user("mira")
    post = make_post(author)
    page = page_client(author).get(f"/p/{post.pk}/").content.decode()
    assert f'href="/p/{post.pk}/edit/"' in page and f'action="/p/{post.pk}/delete/"' in page
    assert 'data-testid="report-form"' not in page
    visitor = page_client().get(f"/p/{post.pk}/").content.decode()
    assert 'data-testid="copy-link"' in visitor and f'href="http://testserver/p/{post.pk}/"' in visitor
    assert 'data-testid="report-form"' not in visitor and "/delete/" not in visitor


def test_moderators_find_reports_in_the_admin(client, make_user):
    staff = make_user("moderator.one")
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    post = make_post(make_user("mira"))
    services.post_report(reporter=make_user("omar"), post=post, reason=ReportReason.SCAM)
    client.force_login(User.objects.get(pk=staff.pk))
    page = client.get("/admin/posts/postreport/?reason__exact=scam")
    assert page.status_code == 200 and "omar" in page.content.decode()
    report = PostReport.objects.get()
    assert client.get(f"/admin/posts/postreport/{report.pk}/change/").status_code == 200
