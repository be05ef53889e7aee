"""Content-Security-Policy on pages, and the endpoint browsers report violations to."""

import json
import logging
import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.conftest import assert_error
from tests.posts_helpers import make_post
from vitrina.core.csp import ContentSecurityPolicyMiddleware

TEMPLATES = Path(__file__).resolve().parents[1] / "vitrina"
REPORT = {
    "csp-report": {
        "document-uri": "http://testserver/p/1/?cursor=secret-token",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "column-number": 3,
        "source-file": "http://testserver/p/1/",
        "status-code": 200,
        "script-sample": "alert(1)",
    }
}


def directives(response, header="Content-Security-Policy") -> dict[str, list[str]]:
    assert header in response, f"no {header} on {response.request['PATH_INFO']}"
    parsed = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def nonce_of(response) -> str:
    (nonce,) = [v for v in directives(response)["script-src"] if v.startswith("'nonce-")]
    return nonce


@pytest.mark.parametrize("path", ["/", "/explore/", "/accounts/login/", "/accounts/signup/", "/nobody-here/",
                                  "/admin/login/", "/api/vitrina/v1/docs"])
def test_html_pages_carry_a_strict_policy(client, db, path):
    response = client.get(path, follow=True)
    assert response["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) == 2
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["style-src"][0] == "'self'"
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["report-uri"] == ["/csp-report"]
    # Over plain HTTP, report-to would make Chrome drop report-uri and deliver nothing.
    assert "report-to" not in policy and "Reporting-Endpoints" not in response


def test_member_pages_carry_the_policy(page_client, make_user):
    member = make_user("csp.member")
    post = make_post(member)
    client = page_client(member)
    for path in ["/", f"/p/{post.pk}/", f"/p/{post.pk}/edit/", "/create/", "/accounts/edit/", "/csp.member/",
                 "/explore/search/?q=csp"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response)["object-src"] == ["'none'"], path


def test_nonce_is_new_on_every_request(client, db):
    nonces = {nonce_of(client.get("/accounts/login/")) for _ in range(3)}
    assert len(nonces) == 3
    assert all(re.fullmatch(r"'nonce-[A-Za-z0-9_-]{22}'", nonce) for nonce in nonces)


def test_nonce_is_on_the_request_for_templates(rf, db):
    seen = {}

    def view(request):
        seen["nonce"] = request.csp_nonce
        return HttpResponse("<p>hi</p>")

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))
    assert f"'nonce-{seen['nonce']}'" in directives(response)["script-src"]


def test_htmx_partials_carry_the_policy_too(page_client, make_user):
    member = make_user("csp.partial")
    response = page_client(member).get("/explore/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "object-src 'none'" in response["Content-Security-Policy"]


def test_json_api_and_images_carry_no_page_policy(api, make_user, client):
    member = make_user("csp.api")
    response = api(member).get("/me")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert "Content-Security-Policy" not in client.get("/healthz")


def test_storage_and_cdn_domains_are_allowed_for_images(client, db, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "vitrina-media", "endpoint_url": "https://s3.example.com:9000",
                    "custom_domain": None}}}
    img = directives(client.get("/accounts/login/"))["img-src"]
    assert img == ["'self'", "https://s3.example.com:9000", "https://vitrina-media.s3.example.com:9000",
                   "data:", "blob:"]

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "vitrina-media", "custom_domain": "media.vitrina.example"}}}
    policy = directives(client.get("/accounts/login/"))
    # The CDN serves avatars; signed photo URLs point at the bucket itself (tests/test_s3.py).
    assert policy["img-src"] == ["'self'", "https://media.vitrina.example", "https://vitrina-media.s3.amazonaws.com",
                                 "data:", "blob:"]
    assert policy["media-src"] == ["'self'", "https://media.vitrina.example", "https://vitrina-media.s3.amazonaws.com",
                                   "blob:"]

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "b", "region_name": "eu-west-1"}}}
    assert directives(client.get("/accounts/login/"))["img-src"][1:3] == [
        "https://b.s3.amazonaws.com", "https://b.s3.eu-west-1.amazonaws.com"]


def test_absolute_media_url_is_allowed_for_images(client, db, settings):
    settings.MEDIA_URL = "https://cdn.example.net/media/"
    assert "https://cdn.example.net" in directives(client.get("/accounts/login/"))["img-src"]


def test_report_only_mode(client, db, settings):
    settings.CSP_REPORT_ONLY = True
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert directives(response, "Content-Security-Policy-Report-Only")["object-src"] == ["'none'"]


def test_https_adds_the_reporting_api_and_upgrades_insecure_requests(client, db, settings):
    assert "upgrade-insecure-requests" not in directives(client.get("/accounts/login/"))
    settings.HTTPS = True
    response = client.get("/accounts/login/", secure=True)
    policy = directives(response)
    assert "upgrade-insecure-requests" in policy
    assert policy["report-to"] == ["csp-endpoint"] and policy["report-uri"] == ["/csp-report"]
    assert response["Reporting-Endpoints"] == 'csp-endpoint="/csp-report"'


def test_templates_have_no_inline_scripts_handlers_or_styles():
    """The policy would block them: behaviour belongs in web/vitrina.js, looks in web/vitrina.css."""
    offenders = []
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")|\son[a-z]+=|\shx-on[:-]"
                        r"|\sstyle=|<style|javascript:", re.I)
    for template in TEMPLATES.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if inline.search(line):
                offenders.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)


# --- The report endpoint ----------------------------------------------------


def post_report(client, body, content_type="application/csp-report", **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    # CONTENT_TYPE again: the test client leaves it out when the body is empty.
    return client.post("/csp-report", data, content_type=content_type, **{"CONTENT_TYPE": content_type, **extra})


def test_report_is_logged_without_csrf_token(db, caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="vitrina.csp"):
        response = post_report(client, REPORT)
    assert response.status_code == 204
    (record,) = [r for r in caplog.records if r.name == "vitrina.csp"]
    assert record.csp == {"document": "http://testserver/p/1/", "directive": "script-src-elem",
                          "violated": "script-src-elem", "blocked": "inline", "source": "http://testserver/p/1/",
                          "line": 12, "column": 3, "disposition": "enforce", "sample": "alert(1)"}
    assert "secret-token" not in record.getMessage()  # query strings are dropped


def test_reporting_api_batch_logs_each_violation(client, db, caplog):
    batch = [
        {"type": "csp-violation", "age": 10, "url": "http://testserver/", "user_agent": "Chrome",
         "body": {"documentURL": "http://testserver/", "effectiveDirective": "script-src-elem",
                  "blockedURL": "inline", "disposition": "enforce", "lineNumber": 1, "sample": ""}},
        {"type": "csp-violation", "age": 12, "url": "http://testserver/explore/", "user_agent": "Chrome",
         "body": {"documentURL": "http://testserver/explore/", "effectiveDirective": "img-src",
                  "blockedURL": "https://evil.example/x.png?track=1", "disposition": "enforce"}},
        {"type": "deprecation", "body": {"id": "x"}},
    ]
    with caplog.at_level(logging.WARNING, logger="vitrina.csp"):
        response = post_report(client, batch, content_type="application/reports+json")
    assert response.status_code == 204
    logged = [r.csp for r in caplog.records if r.name == "vitrina.csp"]
    assert [entry["directive"] for entry in logged] == ["script-src-elem", "img-src"]
    assert logged[1]["blocked"] == "https://evil.example/x.png"


def test_long_and_hostile_values_are_cut_and_escaped(client, db, caplog):
    report = {"csp-report": {**REPORT["csp-report"], "script-sample": "x\n" * 5000,
                             "blocked-uri": "data:" + "A" * 9000}}
    with caplog.at_level(logging.WARNING, logger="vitrina.csp"):
        assert post_report(client, report).status_code == 204
    (record,) = [r for r in caplog.records if r.name == "vitrina.csp"]
    assert len(record.csp["sample"]) == 300 and len(record.csp["blocked"]) == 300
    assert "\n" not in record.getMessage()  # one line per violation: no forged log lines


@pytest.mark.parametrize("body", [
    b"", b"not json", b"[]", b"{}", b"null", b"42", b'"text"', b'{"csp-report": "x"}', b'{"csp-report": {}}',
    b'{"csp-report": {"blocked-uri": "inline"}}', b'[{"type": "csp-violation", "body": 7}]', b"[1, 2]",
    b"[" * 20_000, "{\"csp-report\": {\"effective-directive\": \"\ud800\"}}".encode("utf-8", "surrogatepass"),
    b"\xff\xfe\x00garbage",
])
def test_garbage_is_400_and_logs_nothing(client, db, caplog, body):
    with caplog.at_level(logging.WARNING, logger="vitrina.csp"):
        response = post_report(client, body)
    assert_error(response, 400, "invalid_report")
    assert not [r for r in caplog.records if r.name == "vitrina.csp"]


def test_oversized_report_is_413_from_content_length(client, db, caplog):
    big = {"csp-report": {**REPORT["csp-report"], "script-sample": "a" * 40_000}}
    with caplog.at_level(logging.WARNING, logger="vitrina.csp"):
        response = post_report(client, big)
    assert_error(response, 413, "too_large")
    assert not [r for r in caplog.records if r.name == "vitrina.csp"]


def test_body_is_read_only_up_to_the_declared_length(client, db, caplog):
    body = json.dumps({"csp-report": {**REPORT["csp-report"], "script-sample": "a" * 40_000}}).encode()
    with caplog.at_level(logging.WARNING, logger="vitrina.csp"):
        response = post_report(client, body, CONTENT_LENGTH="100")
    assert_error(response, 400, "invalid_report")  # the first 100 bytes are not a whole report
    assert not [r for r in caplog.records if r.name == "vitrina.csp"]


def test_other_content_types_and_methods_are_refused(client, db):
    assert_error(post_report(client, REPORT, content_type="text/plain"), 415, "unsupported_media_type")
    assert_error(client.post("/csp-report", {"csp-report": "x"}), 415)  # a multipart form
    assert client.get("/csp-report").status_code == 405


def test_reports_are_rate_limited_per_address(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="vitrina.csp"):
        statuses = [post_report(client, REPORT).status_code for _ in range(62)]
    assert statuses[:60] == [204] * 60
    assert statuses[60:] == [429, 429]
    assert len([r for r in caplog.records if r.name == "vitrina.csp"]) == 60
    other = post_report(client, REPORT, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 204


def test_a_large_batch_counts_every_violation_toward_the_limit(client, db):
    item = {"type": "csp-violation", "body": {"documentURL": "http://testserver/", "effectiveDirective": "img-src",
                                               "blockedURL": "https://x.example/a.png"}}
    assert post_report(client, [item] * 60, content_type="application/reports+json").status_code == 204
    assert_error(post_report(client, [item], content_type="application/reports+json"), 429, "rate_limited")


def test_debug_error_pages_keep_their_inline_styles(client, db, settings):
    settings.DEBUG = True
    response = client.get("/no/such/page/here/")
    assert response.status_code == 404
    assert "Content-Security-Policy" not in response
    assert "Content-Security-Policy" in client.get("/accounts/login/")
