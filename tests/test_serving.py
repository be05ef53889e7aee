"""Vitrina behind the real server that `make run` starts (granian, WSGI), on its own database."""

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GRANIAN = Path(sys.executable).parent / "granian"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "VITRINA_VAR_DIR": str(var), "STATIC_ROOT": str(var / "static"), "DJANGO_SETTINGS_MODULE": "vitrina.settings",
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = free_port()
    process = subprocess.Popen(
        [str(GRANIAN), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--log-level", "warning", "vitrina.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("granian did not start: " + process.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def request(url, data=None, headers=None, method=None):
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_health_pages_and_static_files(server):
    assert request(server + "/healthz")[0] == 200
    status, headers, body = request(server + "/accounts/login/")
    assert status == 200 and b"Vitrina" in body
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    css = body.decode().split('href="/static/web/vitrina')[1].split('"')[0]
    status, headers, body = request(server + "/static/web/vitrina" + css)
    assert status == 200 and b".bottom-nav" in body
    # A hashed name never changes content: cached for good (whitenoise, CompressedManifestStaticFilesStorage).
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    status, headers, gzipped = request(server + "/static/web/vitrina" + css, headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(gzipped) == body
    # Pages are compressed by the app itself.
    status, headers, page = request(server + "/accounts/login/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and b"Vitrina" in gzip.decompress(page)


def test_api_over_http(server):
    status, _, body = request(server + "/api/vitrina/v1/auth/signup", {
        "username": "served", "email": "s@example.com", "password": "long enough passphrase 42"})
    assert status == 201, body
    token = json.loads(body)["token"]
    status, _, body = request(server + "/api/vitrina/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and json.loads(body)["username"] == "served"
    status, _, body = request(server + "/api/vitrina/v1/accounts/nobody")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
    status, _, body = request(server + "/api/vitrina/v1/nothing/here")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
