def test_demo_users_can_get_a_token(demo, api_client):
    from crm.testing.fixtures import DEMO_PASSWORD

    client = api_client()
    for username in demo:
        res = client.post_json(
            "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD}
        )
        assert res.status_code == 200, (username, res.content)
        assert len(res.json()["token"]) > 20
