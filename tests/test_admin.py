import pytest

from vitrina.accounts import services
from vitrina.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    admin = make_user("moderator.one")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    admin.refresh_from_db()
    client.force_login(admin)
    return client


def test_staff_finds_and_inspects_accounts(staff_client, make_user):
    user = make_user("spammer", display_name="Cheap Watches")
    page = staff_client.get("/admin/accounts/user/?q=watches").content.decode()
    assert "spammer" in page
    assert staff_client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200


def test_staff_suspends_an_account(staff_client, make_user, api):
    user = make_user("spammer")
    services.token_issue(user=user)
    response = staff_client.post("/admin/accounts/user/", {
        "action": "suspend", "_selected_action": [user.pk], "index": 0})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.suspended_at is not None
    assert not ApiToken.objects.filter(user=user).exists()
    assert api().get("/accounts/spammer").status_code == 404
    staff_client.post("/admin/accounts/user/", {"action": "unsuspend", "_selected_action": [user.pk], "index": 0})
    user.refresh_from_db()
    assert user.is_active and user.suspended_at is None
    assert api().get("/accounts/spammer").status_code == 200


def test_members_cannot_open_the_admin(page_client, make_user):
    response = page_client(make_user("mira")).get("/admin/accounts/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
