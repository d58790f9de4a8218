"""What every response must carry, and who may open what (HDR, CSRF, AC-01, IO)."""
import hashlib
import re

from support import PASSWORD, Web

from portal.config import PROJECT_ROOT
from portal.web import CSP, public

PUBLIC_ENDPOINTS = {
    "static", "pages.home", "notice.privacy", "pages.health", "accounts.switch_language",
    "signup.form", "signup.done", "signup.verify", "signup.resend", "accounts.login",
    "accounts.reset_request", "accounts.reset", "mail.inbox", "mail.message",
    # Newsletter pages for people without an account; token pages check their signed token.
    "newsletter.subscribe", "newsletter.embed", "newsletter.confirm", "newsletter.confirmed",
    "newsletter.preferences_request", "newsletter.preferences", "newsletter.change_preference",
    "newsletter.stop_all", "newsletter.unsubscribe", "newsletter.material", "rights.erase_from_preferences",
    "notice.version", "rights.request_form", "rights.request_sent", "rights.confirm_request",
    "rights.request_export", "rights.cancel_export", "rights.erase_by_link", "staff.accept",
    # The shop's list of products; the payment provider's webhook, which checks its HMAC signature.
    "orders.shop", "orders.payment_webhook",
}


def assert_security_headers(response, https=False):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "same-origin")
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert not [h for h in headers.keys() if h.lower().startswith("access-control-")]
    if https:
        assert "max-age=63072000" in headers["Strict-Transport-Security"]
        assert "includeSubDomains" in headers["Strict-Transport-Security"]
    else:
        assert "Strict-Transport-Security" not in headers


def test_headers_on_pages_fragments_errors_and_static(web, member):
    member()
    for response in (web.get("/"), web.get("/login"), web.get("/no-such-page"),
                     web.post("/signup", {"email": "x"}, htmx=True), web.get("/static/portal.css")):
        assert_security_headers(response)
    assert web.get("/no-such-page").status_code == 404


def test_hsts_when_served_over_https(make_app):
    app = make_app(env={"PORTAL_BASE_URL": "https://portal.example.fi"})
    response = app.test_client().get("/", base_url="https://portal.example.fi")
    assert_security_headers(response, https=True)


def test_pages_and_fragments_say_they_vary_on_htmx(web):
    assert "HX-Request" in web.get("/login").headers["Vary"]


def test_error_pages_in_both_languages_without_tracebacks(make_app):
    app = make_app()

    @app.get("/_boom")
    @public
    def boom():
        raise RuntimeError("secret internals")

    web = Web(app)
    for code, path in ((404, "/missing"), (405, "/logout"), (500, "/_boom")):
        response = web.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == code
        assert "Traceback" not in body and "secret internals" not in body and 'lang="fi"' in body
    web.post("/language", {"lang": "en", "next": "/"})
    body = web.get("/missing").get_data(as_text=True)
    assert 'lang="en"' in body and "Page not found" in body


def test_429_page_is_shown_when_limited(make_app):
    app = make_app(SIGNUP_LIMIT_PER_IP="1 per hour")
    web = Web(app)
    web.post("/signup", {"name": ""})
    response = web.post("/signup", {"name": ""})
    assert response.status_code == 429
    assert "Traceback" not in response.get_data(as_text=True)
    htmx = web.post("/signup", {"name": ""}, htmx=True)
    assert htmx.status_code == 429 and htmx.headers["HX-Retarget"] == "#flash"


def test_posts_without_a_csrf_token_are_refused(web, member):
    member()
    assert web.post("/login", {"login": "maija@example.fi", "password": PASSWORD}, csrf=False).status_code == 400
    assert web.post("/signup", {}, csrf=False).status_code == 400
    token = web.csrf_token()
    htmx = web.client.post("/login", data={"login": "maija@example.fi", "password": PASSWORD},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert htmx.status_code == 204  # the header set by hx-headers is enough


def test_base_page_sends_the_csrf_token_and_safe_htmx_settings(web):
    page = web.get("/").get_data(as_text=True)
    assert re.search(r"""hx-headers='\{"X-CSRFToken": "[^"]+"\}'""", page)
    config = re.search(r'name="htmx-config" content=\'([^\']+)\'', page).group(1)
    assert '"allowEval": false' in config and '"allowScriptTags": false' in config
    assert '"selfRequestsOnly": true' in config and '"historyCacheSize": 0' in config
    assert "<script>" not in page and " style=" not in page and "http://" not in page.split("<body")[0]


def test_vendored_htmx_matches_its_recorded_checksum():
    readme = (PROJECT_ROOT / "static" / "vendor" / "README").read_text()
    name, recorded = re.search(r"^(htmx-[\d.]+\.min\.js)\n.*?sha256:\s+([0-9a-f]{64})", readme, re.S | re.M).groups()
    actual = hashlib.sha256((PROJECT_ROOT / "static" / "vendor" / name).read_bytes()).hexdigest()
    assert actual == recorded
    assert name in (PROJECT_ROOT / "templates" / "_head.html").read_text()


def test_every_endpoint_is_public_or_needs_a_login(app):
    """AC-01: deny by default; anything not on the public list needs a signed-in member."""
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        assert getattr(view, "access", None) not in (None, "public"), rule.endpoint
        url = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, headers={"HX-Request": "true"})
            assert response.status_code in (204, 303, 400, 403), (rule.endpoint, method, response.status_code)
            if response.status_code == 204:
                assert "/login" in response.headers["HX-Redirect"]


def test_public_list_is_exactly_the_views_marked_public(app):
    marked = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "access", None) == "public"}
    assert marked | {"static"} == PUBLIC_ENDPOINTS - {"mail.inbox", "mail.message"}  # test app


def test_a_view_without_an_access_rule_is_refused(make_app):
    app = make_app()
    app.add_url_rule("/_forgotten", "forgotten", lambda: "should not be seen")
    response = app.test_client().get("/_forgotten")
    assert response.status_code == 403 and "should not be seen" not in response.get_data(as_text=True)


def test_request_bodies_are_capped(web):
    response = web.post("/signup", {"name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_dev_mail_page_exists_only_in_development(make_app, tmp_path):
    test_app = make_app()
    assert test_app.test_client().get("/dev/mail/").status_code == 404
    dev_app = make_app(env={"PORTAL_ENV": "development"})
    assert dev_app.test_client().get("/dev/mail/").status_code == 200


def test_the_only_cookie_is_the_strictly_necessary_session(web, member, app):
    """DP-04: a visitor and a member get one cookie, the session, so no consent banner is needed."""
    member()
    responses = [web.get(path) for path in ("/", "/privacy", "/signup", "/subscribe/newsletter", "/login", "/shop")]
    responses += [web.post("/language", {"lang": "en", "next": "/"}), web.login()]
    responses += [web.get(path) for path in ("/account", "/account/consents", "/account/data")]
    assert [r.status_code for r in responses] == [200] * 6 + [303, 303] + [200] * 3
    names = {header.split("=", 1)[0] for r in responses for header in r.headers.getlist("Set-Cookie")}
    assert names == {app.config["SESSION_COOKIE_NAME"]}
