"""Sign-in with lockout (page and API counted together), password hashing, tokens."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

import crm.settings as real_settings
from crm.org import services
from crm.org.auth import token_issue
from crm.org.models import ApiToken, LoginAttempt, OrgUnit, User
from crm.testing.fixtures import DEMO_PASSWORD

pytestmark = pytest.mark.usefixtures("demo_once")

TOKEN_URL = "/api/v1/auth/token"
LOGIN_URL = "/accounts/login/"


def _api_login(api_client, username, password):
    return api_client().post_json(TOKEN_URL, {"username": username, "password": password})


def _page_login(username, password):
    client = Client()
    res = client.post(LOGIN_URL, {"username": username, "password": password})
    return client, res


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_page_sign_in_with_the_right_password(demo):
    client, res = _page_login("rep_east_1", DEMO_PASSWORD)
    assert res.status_code == 302
    assert _signed_in(client)
    assert LoginAttempt.objects.get().success


def test_the_same_answer_for_an_unknown_user_and_a_wrong_password(demo, api_client):
    unknown = _api_login(api_client, "nobody", "whatever-123")
    wrong = _api_login(api_client, "rep_east_1", "whatever-123")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown.json()["error"]["code"] == "invalid_credentials"
    # and the page
    _c1, page_unknown = _page_login("nobody", "whatever-123")
    _c2, page_wrong = _page_login("rep_east_1", "whatever-123")
    message = str(wrong.json()["error"]["message"])
    assert message in page_unknown.content.decode()
    assert message in page_wrong.content.decode()
    assert page_unknown.status_code == page_wrong.status_code == 200


def test_five_failures_lock_the_username_for_page_and_api_together(demo, api_client):
    # given 3 failures on the page and 2 on the API
    for _ in range(3):
        _page_login("rep_east_1", "wrong-1")
    for _ in range(2):
        assert _api_login(api_client, "rep_east_1", "wrong-2").status_code == 401
    assert LoginAttempt.objects.filter(success=False).count() == 5
    assert set(LoginAttempt.objects.values_list("source", flat=True)) == {"page", "api"}
    # when the right password is tried on either door
    api_res = _api_login(api_client, "rep_east_1", DEMO_PASSWORD)
    client, page_res = _page_login("rep_east_1", DEMO_PASSWORD)
    # then both refuse, and say why
    assert api_res.status_code == 429
    assert api_res.json()["error"]["code"] == "locked_out"
    assert "15" in api_res.json()["error"]["message"]
    assert page_res.status_code == 200
    assert not _signed_in(client)
    assert api_res.json()["error"]["message"] in page_res.content.decode()
    # the refused tries while locked are not counted (the lock lifts on time)
    assert LoginAttempt.objects.count() == 5


def test_lockout_is_per_username_and_ignores_case(demo, api_client):
    for _ in range(5):
        _api_login(api_client, "REP_EAST_1", "wrong")
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 429
    # another user is not affected
    assert _api_login(api_client, "rep_east_2", DEMO_PASSWORD).status_code == 200


def test_four_failures_do_not_lock(demo, api_client):
    for _ in range(4):
        _api_login(api_client, "rep_east_1", "wrong")
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 200


def test_the_lock_lifts_after_the_window(demo, api_client):
    for _ in range(5):
        _api_login(api_client, "rep_east_1", "wrong")
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 429
    # when the failures are 16 minutes old
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    # then
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 200


def test_failures_partly_outside_the_window_do_not_lock(demo, api_client):
    for _ in range(3):
        _api_login(api_client, "rep_east_1", "wrong")
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    for _ in range(2):
        _api_login(api_client, "rep_east_1", "wrong")
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 200


def test_a_success_resets_the_count(demo, api_client):
    # given 4 failures, a success, then 4 more failures (8 in the window)
    for _ in range(4):
        _api_login(api_client, "rep_east_1", "wrong")
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 200
    for _ in range(4):
        _page_login("rep_east_1", "wrong")
    # then not locked
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 200
    # but 5 failures after the last success lock again
    for _ in range(5):
        _api_login(api_client, "rep_east_1", "wrong")
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 429


def test_token_request_validates_its_body(db, api_client):
    res = api_client().post_json(TOKEN_URL, {"username": "x"})
    assert res.status_code == 422
    body = res.json()
    assert body["error"]["code"] == "validation_error"
    assert "password" in body["error"]["fields"]
    assert not LoginAttempt.objects.exists()


def test_real_settings_hash_passwords_with_argon2(demo, settings, admin):
    # the test suite swaps in MD5 for speed; put the real list back for this test
    assert real_settings.PASSWORD_HASHERS[0] == ("django.contrib.auth.hashers.Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS
    user = services.employee_create(
        username="argon_user",
        password="Xk7-plover-2026",
        name="",
        roles=[],
        unit=OrgUnit.objects.get(name="上海销售一组"),
        actor=admin,
    )
    assert user.password.startswith("argon2$")
    assert User.objects.get(pk=user.pk).check_password("Xk7-plover-2026")


def test_a_legacy_hash_is_upgraded_to_argon2_on_sign_in(demo, settings, api_client):
    # the demo users were stored with MD5 (the test hasher); real settings still accept them
    assert User.objects.get(username="rep_east_1").password.startswith("md5$")
    settings.PASSWORD_HASHERS = [
        *real_settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 200
    assert User.objects.get(username="rep_east_1").password.startswith("argon2$")


def test_tokens_are_stored_as_hashes(demo, rep_east):
    token, raw = token_issue(user=rep_east, name="erp")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.key_hash, stored.prefix)
    assert stored.prefix == raw[:8]
    assert len(stored.key_hash) == 64


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Token abc", ""])
def test_a_bad_token_is_401(demo, header):
    res = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert res.status_code == 401
    assert res.json()["error"]["code"] == "not_authenticated"


def test_a_revoked_token_is_401(demo, api_client, rep_east):
    client = api_client(rep_east)
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(user=rep_east).update(revoked_at=timezone.now())
    assert client.get("/api/v1/me").status_code == 401


def test_a_deactivated_users_token_and_session_stop_working(
    demo, api_client, page_client, admin, rep_east
):
    # given rep_east with a token and a browser session
    api = api_client(rep_east)
    browser = page_client(rep_east)
    assert api.get("/api/v1/me").status_code == 200
    assert browser.get("/org/").status_code == 200
    # when an administrator deactivates rep_east through the API
    res = api_client(admin).post_json(f"/api/v1/employees/{rep_east.pk}/deactivate")
    assert res.status_code == 200
    assert res.json()["is_active"] is False
    # then the token is refused and the session is gone
    assert api.get("/api/v1/me").status_code == 401
    page = browser.get("/org/")
    assert page.status_code == 302
    assert page["Location"].startswith(LOGIN_URL)
    # and the password no longer signs in, with the usual message
    assert _api_login(api_client, "rep_east_1", DEMO_PASSWORD).status_code == 401


def test_an_administrator_cannot_deactivate_themself(demo, api_client, admin):
    res = api_client(admin).post_json(f"/api/v1/employees/{admin.pk}/deactivate")
    assert res.status_code in (409, 422)
    assert res.json()["error"]["message"]
    assert User.objects.get(pk=admin.pk).is_active


def test_login_page_keeps_a_safe_next_only(demo):
    client = Client()
    res = client.post(
        LOGIN_URL, {"username": "rep_east_1", "password": DEMO_PASSWORD, "next": "/org/employees/"}
    )
    assert res["Location"] == "/org/employees/"
    client = Client()
    res = client.post(
        LOGIN_URL,
        {"username": "rep_east_1", "password": DEMO_PASSWORD, "next": "https://evil.example/"},
    )
    assert res["Location"] == "/"
