"""The installable app: manifest, service worker and offline page, and what the worker may keep."""

import json
import re

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def worker_config(response) -> dict:
    return json.loads(re.search(r"var CONFIG = (\{.*?\});", response.content.decode()).group(1))


def test_manifest_makes_the_site_installable(client):
    response = client.get("/manifest.webmanifest")
    data = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert data["display"] == "standalone" and data["start_url"] == "/" and data["scope"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}


def test_service_worker_is_served_at_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]


def test_service_worker_caches_only_the_shell_and_the_offline_page(client):
    config = worker_config(client.get("/sw.js"))
    assert config["offline"] == "/offline/"
    assert set(config["shell"]) == {static("web/vitrina.css"), static("web/vitrina.js"), static("web/htmx.min.js"),
                                    static("web/icons.svg"), static("web/icon-192.png"), "/offline/"}
    # Nothing private: no page but the offline one, no API, no media.
    assert not [url for url in config["shell"] if url.startswith(("/api/", "/media/")) or url == "/"]


def test_a_new_deploy_is_a_new_cache(client, settings):
    first = worker_config(client.get("/sw.js"))["cache"]
    settings.STATIC_URL = "/static-v2/"
    assert worker_config(client.get("/sw.js"))["cache"] != first


def test_offline_page_names_no_member_and_holds_no_token(page_client, make_user):
    member = make_user("mira.offline", display_name="Mira Secret")
    response = page_client(member).get("/offline/")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="offline"' in page
    assert "mira.offline" not in page and "Mira Secret" not in page
    assert "csrf" not in page.lower()
    assert "no-cache" in response["Cache-Control"]


def test_offline_page_is_translated(client):
    page = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Нет подключения к интернету" in page


def test_worker_refuses_anything_but_get(client):
    assert client.post("/sw.js").status_code == 405
