import pytest

from tests.conftest import PASSWORD, assert_error
from vitrina.accounts import services
from vitrina.accounts.models import User
from vitrina.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def signup_body(**overrides):
    body = {"username": "mira", "email": "mira@example.com", "password": PASSWORD, "account_type": "personal"}
    body.update(overrides)
    return body


def test_signup_returns_token_and_account(api):
    response = api().post("/auth/signup", signup_body(username="Mira_K", account_type="creator"))
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("vt_")
    assert body["account"]["username"] == "mira_k"
    assert body["account"]["account_type"] == "creator"
    me = api().get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == "mira@example.com"


def test_password_is_hashed_with_argon2_in_production_settings():
    from vitrina import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize("display_name", ["অর্ক বন্দ্যোপাধ্যায়", "Алёна Щербакова", "🌸 Flora & Co 🌿", "李小龙"])
def test_display_name_in_any_script_is_kept(db, display_name):
    user = services.user_signup(username="any", email="a@example.com", password=PASSWORD, display_name=display_name)
    user.refresh_from_db()
    assert user.display_name == display_name


def test_same_username_in_other_case_is_taken(api, make_user):
    make_user("mira")
    error = assert_error(api().post("/auth/signup", signup_body(username="MIRA")), 422, "invalid", "username")
    assert "already exists" in error["fields"]["username"][0]
    assert User.objects.count() == 1


@pytest.mark.parametrize("username", ["admin", "explore", "api", "accounts", "Settings", "shop", "static"])
def test_reserved_usernames_are_refused(api, username):
    assert_error(api().post("/auth/signup", signup_body(username=username)), 422, field="username")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "username",
    ["", "a" * 31, "has space", "dash-name", "émilie", "кирилл", ".dot", "dot.", "two..dots", "semi;colon", "@"],
)
def test_invalid_usernames_are_refused(api, username):
    assert_error(api().post("/auth/signup", signup_body(username=username)), 422, field="username")
    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["a", "a" * 30, "under_score", "dots.in.name", "n1ne"])
def test_valid_usernames_are_accepted(api, username):
    assert api().post("/auth/signup", signup_body(username=username)).status_code == 201


@pytest.mark.parametrize("email", ["", "not-an-email", "a@", "@b.com", "a b@example.com"])
def test_invalid_email_is_refused(api, email):
    assert_error(api().post("/auth/signup", signup_body(email=email)), 422, field="email")
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["", "short1", "password123", "12345678901", "example.com"])
def test_weak_passwords_are_refused(api, password):
    assert_error(api().post("/auth/signup", signup_body(password=password)), 422, field="password")
    assert not User.objects.exists()


def test_too_long_display_name_and_unknown_type_are_refused(api):
    response = api().post("/auth/signup", signup_body(display_name="x" * 65, account_type="robot"))
    error = assert_error(response, 422, field="display_name")
    assert "account_type" in error["fields"]
    assert not User.objects.exists()


def test_missing_fields_and_wrong_types_are_422(api):
    error = assert_error(api().post("/auth/signup", {"username": "mira"}), 422)
    assert "email" in error["fields"] and "password" in error["fields"]
    assert_error(api().post("/auth/signup", signup_body(username=["x"])), 422, field="username")
    assert not User.objects.exists()


def test_malformed_json_is_a_clear_400(api):
    response = api().client.post("/api/vitrina/v1/auth/signup", "{not json", content_type="application/json")
    assert_error(response, 400)


def test_every_error_is_reported_at_once(db):
    with pytest.raises(InvalidInput) as exc:
        services.user_signup(username="admin", email="nope", password="1")
    assert set(exc.value.fields) == {"username", "email", "password"}


def test_signup_page_creates_account_and_logs_in(client):
    response = client.post("/accounts/signup/", signup_body(display_name="Мира"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/edit/"
    user = User.objects.get(username="mira")
    assert user.display_name == "Мира"
    assert client.get("/accounts/edit/").status_code == 200


def test_signup_page_shows_field_errors_and_writes_nothing(client, make_user):
    make_user("mira")
    response = client.post("/accounts/signup/", signup_body(username="Mira", password="123"))
    assert response.status_code == 422
    text = response.content.decode()
    assert "already exists" in text
    assert "too short" in text
    assert User.objects.count() == 1


@pytest.mark.parametrize("control", ["\u202e", "\u2066"])
def test_direction_controls_in_a_display_name_are_refused_at_sign_up(api, client, control):
    assert_error(api().post("/auth/signup", signup_body(display_name=f"Mi{control}ra")), 422, field="display_name")
    response = client.post("/accounts/signup/", signup_body(display_name=f"{control}Mira"))
    assert response.status_code == 422
    assert "direction controls" in response.content.decode()
    assert not User.objects.exists()
