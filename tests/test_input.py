"""Malformed input anywhere answers 400, 404 or 422, never 500 (IO-04).

The fuzz walks `app.url_map` and the forms of the app. Every URL converter, and
every form field or request parameter a view reads, gets in turn a NUL byte,
the highest code point, digits that are not ASCII, integers past the
database's range, dates at the end of the calendar, overlong text and cursors
that are not ours, while the rest of the form holds valid values so that the
bad one reaches the code behind the validation. It runs as an anonymous
visitor, a member and an admin, on the database of the run (`--db`).
"""
import ast
import base64
import datetime as dt
import inspect
import itertools
import json
import re
import secrets
import textwrap
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from staff_support import enrolled_staff
from support import PASSWORD, Web
from wtforms.fields.core import UnboundField

from portal import clock


def b64(text):
    return base64.urlsafe_b64encode(text.encode()).decode()


VALUES = [
    "\x00",                                                # NUL: PostgreSQL refuses it in text
    "ma\U0010ffff",                                        # the highest code point (prefix ranges)
    "¹²³⁴⁵⁶",                                              # str.isdigit() says yes, int() says no
    "2147483648", "99999999999999999999", "-1",            # past PostgreSQL's integer, past SQLite's
    "9999-12-31", "9999-12-31T23:59", "0001-01-01T00:00",  # the calendar's edges
    "x" * 3000,                                            # past every column's length
    "!!!", b64('["x", {"a": 1}]'),                         # cursors that are not ours
]
NUMBERS = ["0", "2147483648", "99999999999999999999", "¹²³⁴⁵⁶"]
CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
LIMITS = ("LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_IP", "EMAIL_LIMIT_PER_ADDRESS", "EMAIL_LIMIT_PER_IP",
          "SIGNUP_LIMIT_PER_IP", "SUBSCRIBE_LIMIT_PER_IP", "SUBSCRIBE_LIMIT_PER_ADDRESS",
          "SECOND_FACTOR_LIMIT_PER_ACCOUNT")
# Valid values of the request parameters that views read without a form class.
PLAIN = {"months": "1", "reason": "Tarvitsemme lisäaikaa", "when": "1.3.2027", "reply": "Vastaus",
         "starts_at": "2026-12-01T10:00", "kind": "visit", "type": "PT", "duration": "60", "notes": "Hyvä",
         "quantity": "1", "action": "withdraw", "next": "/", "confirmed": "yes", "domain": "roskaa2.example",
         "name": "Korjattu Nimi", "phone": "040 123 4567", "edit": "1", "embed": "1", "paid": "y", "lang": "fi",
         "actor": "1", "from": "2026-01-01", "to": "2026-12-31", "before": "100000"}
# These end the session the rest of the fuzz needs: a reset link ends the browser's session too.
LAST = ("accounts.change_password", "accounts.reset", "rights.delete", "accounts.logout")
# Whose forms each role fuzzes (the others it meets only at the door): a view's access mark.
REACHES = {"anonymous": ("public",), "member": ("login", "member"), "admin": ("staff",)}
HOME = {"anonymous": "/", "member": "/account", "admin": "/admin"}


# ------------------------------------------------------------------ what each view reads

def _valid(field):
    """Return a value that the unbound form field accepts."""
    choices = field.kwargs.get("choices")
    if choices:
        first = choices[0]
        return getattr(first, "value", None) or (first[0] if isinstance(first, tuple) else first)
    if field.field_class.__name__ == "SelectField":
        return ""  # choices filled in by the view (the register's purposes): "" is "any"
    return {"EmailField": "kelpo@example.fi", "DateField": "2026-11-02", "DateTimeLocalField": "2026-11-02T12:00",
            "IntegerField": "3", "BooleanField": "y", "PasswordField": PASSWORD, "HiddenField": "",
            "FileField": "", "TelField": "040 123 4567"}.get(field.field_class.__name__, "Kelpo teksti")


def form_fields(cls):
    """Return {name: valid value} for a form class."""
    return {name: _valid(value) for name in dir(cls) if isinstance(value := getattr(cls, name, None), UnboundField)}


def reads(function, depth=2):
    """Return ({name: valid value} read from the query string, the same from a posted form)
    of what a view, or a helper it calls, reads from the request."""
    function = inspect.unwrap(function)
    query, posted = {}, {}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError):
        return query, posted
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args \
                and node.func.attr in ("get", "getlist") and isinstance(node.args[0], ast.Constant):
            source, name = ast.unparse(node.func.value).split(".")[-1], node.args[0].value
            for kind, found in (("args", query), ("form", posted)):
                if source in (kind, "values"):
                    found.setdefault(name, PLAIN.get(name, "Kelpo"))
        if isinstance(node, ast.Name) and node.id in function.__globals__:
            target = function.__globals__[node.id]
            if inspect.isclass(target) and issubclass(target, FlaskForm):
                posted.update(form_fields(target))  # Flask-WTF reads only a posted body
            elif inspect.isfunction(target) and target.__module__.startswith("portal.") and depth > 0 \
                    and not hasattr(target, "access"):
                for mine, theirs in zip((query, posted), reads(target, depth - 1), strict=True):
                    for name, value in theirs.items():
                        mine.setdefault(name, value)
    return query, posted


# ------------------------------------------------------------------ one of everything

def world(app, member, admin_account=None, signed_in=None):
    """Create one of everything a URL can name; return ({argument: [values]}, {endpoint: token})."""
    from portal.accounts.models import LoginSession, digest
    from portal.accounts.tokens import issue_token
    from portal.breaches.models import Breach
    from portal.imports.service import store
    from portal.newsletter import links
    from portal.newsletter.models import PendingSignup
    from portal.orders import service as orders
    from portal.people.models import BlockedDomain, Person
    from portal.processors.service import exportable
    from portal.register.versions import current_label
    from portal.rights import links as export_links
    from portal.rights.models import DataRequest

    subject = member(email="kohde@example.fi", name="Kohde Henkilö")
    asked = member(email="pyytaja@example.fi", name="Pyytäjä")
    leaving = member(email="lahtija@example.fi", name="Lähtijä")
    pending = member(email="odottaja@example.fi", name="Odottaja", state="pending_approval")
    with app.test_request_context():
        now, person = clock.now(), Person.get_by_id(subject.person_id)
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
        buyer = Person.get_by_id(signed_in.person_id) if signed_in else person
        order = orders.record_order(buyer, [(product, 1)], {"name": "Maija", "street": "Katu 1",
                                                           "postal_code": "00100", "city": "Helsinki"},
                                    admin_account or subject, paid=True)
        data_request = DataRequest.create(kind="access", email="pyytaja@example.fi", person=asked.person_id,
                                          due_at=clock.add_months(now, 1), state="open", verified_at=now)
        unverified, signup = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        DataRequest.create(kind="access", email=person.email, due_at=clock.add_months(now, 1),
                           token_hash=digest(unverified))
        PendingSignup.create(email="uusi@example.fi", language="fi", source_kind="form", source="newsletter",
                             grants=json.dumps([{"purpose": "newsletter", "wording": None}]), notice_version="x",
                             token_hash=digest(signup), expires_at=now + dt.timedelta(days=1))
        breach = Breach.create(title="Hukattu muistitikku", description="Tikku katosi", discovered_at=now,
                               categories="jäsenet", risk="risk", recorded_by=0)
        domain = BlockedDomain.create(domain="roskaa.example")
        tokens = {
            "signup.verify": issue_token(person, "verify_email"),
            "accounts.reset": issue_token(person, "reset_password"),
            "accounts.confirm_email_change": issue_token(person, "change_email", data={"email": "uusi2@example.fi"}),
            "staff.accept": issue_token(person, "staff_invite", data={"role": "moderator", "by": 0}),
            "rights.erase_by_link": issue_token(Person.get_by_id(leaving.person_id), "erase"),
            "rights.confirm_request": unverified,
            "rights.request_export": export_links.export_token(person),
            "newsletter.confirm": signup,
            "newsletter.unsubscribe": links.unsubscribe_token(person, "newsletter"),
            "newsletter.material": links.material_token(person, "opas"),
            "imports.apply": store(b"email,consent_date,consent_source,purposes\n"
                                   b"tuotu@example.fi,2025-01-01,lomake,newsletter\n", app.config["IMPORTS_DIR"]),
            **{f"newsletter.{e}": links.preferences_token(person)
               for e in ("preferences", "change_preference", "erase", "stop_all")},
        }
        tokens["rights.cancel_export"] = tokens["rights.request_export"]  # the same link's other button
        sessions = LoginSession.select().where(LoginSession.account == signed_in.id) if signed_in else []
        values = {
            "person_id": [subject.person_id], "account_id": [pending.id], "request_id": [data_request.id],
            "breach_id": [breach.id], "product_id": [product.id], "invoice_id": [order.invoices.get().id],
            "domain_id": [domain.id], "reference": [order.reference], "purpose": ["newsletter"],
            "form_key": ["newsletter"], "label": [current_label()], "filename": ["portal.css"],
            "key": [r.key for r in exportable()][:1] or ["mailchimp"],
            "session_id": [max([s.id for s in sessions] or [1])],  # the member's other session
            "action": ["extend", "export", "rectify", "restrict", "announce-lift", "lift", "close", "erase"],
        }
        plain = {"product": str(product.id), "person": str(subject.person_id), "account": str(pending.id)}
    return values, tokens, plain


def signed_in_client(role, app, member):
    """Return (a client signed in as the role, its account or None)."""
    if role == "admin":
        account, web = enrolled_staff(app, member, role="admin")
        return web, account
    web = Web(app)
    if role == "member":
        account = member()
        Web(app).login()  # another session, which the member may end
        web.login()
        return web, account
    return web, None


def path_for(rule, arguments):
    """Fill a rule's converters with `arguments` ({name: text}), quoted as a browser would."""
    return CONVERTER.sub(lambda m: quote(str(arguments[m.group(2)]), safe=""), rule.rule)


@pytest.fixture
def member_factory():
    """The `member` fixture, for an app built inside the test."""
    from portal.accounts import passwords
    from portal.accounts.models import Account
    from portal.people.models import Person

    def factory(app):
        def create(email="maija@example.fi", name="Maija Meikäläinen", role="member", state="active"):
            with app.test_request_context():
                person = Person.create(email=email, name=name, language="fi", source="test", status="member")
                return Account.create(person=person, username=email.split("@")[0], role=role, state=state,
                                      password_hash=passwords.hash_password(PASSWORD),
                                      email_verified_at=clock.now())
        return create
    return factory


# ------------------------------------------------------------------ the fuzz

@pytest.mark.filterwarnings("ignore:The 'portal_session' cookie is too large")  # flashes never shown pile up
@pytest.mark.parametrize("role", ("anonymous", "member", "admin"))
def test_no_input_makes_a_server_error(make_app, smtp, member_factory, role):
    app = make_app(env={"PORTAL_SMTP_URL": smtp.url, "PORTAL_PAYMENT_WEBHOOK_SECRET": "w" * 32},
                   **dict.fromkeys(LIMITS, "100000 per minute"))
    member = member_factory(app)
    web, account = signed_in_client(role, app, member)
    values, tokens, plain = world(app, member, admin_account=account if role == "admin" else None,
                                  signed_in=account if role == "member" else None)
    failures = []

    def check(method, path, fields=None):
        data = {"query_string": fields} if method == "GET" else {"data": {**(fields or {}),
                                                                         "csrf_token": web.csrf_token()}}
        status = web.client.open(path, method=method, **data).status_code
        if status >= 500:
            bad = [f"{k}={v!r:.24}" for k, v in (fields or {}).items() if v in VALUES]
            failures.append(f"{method} {path[:100]} {' '.join(bad)} -> {status}")

    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in LAST, LAST.index(r.endpoint)
                                                            if r.endpoint in LAST else 0, r.rule))
    for rule in rules:
        if rule.endpoint == LAST[0]:  # the fuzz so far ran signed in, as it should
            assert web.client.get(HOME[role]).status_code == 200, "the session ended during the fuzz"
        arguments = {m.group(2): m.group(1) or "string" for m in CONVERTER.finditer(rule.rule)}
        real = {name: [tokens.get(rule.endpoint, "x" * 43)] if name == "token" else values[name]
                for name in arguments}
        view = app.view_functions[rule.endpoint]
        query, posted = reads(view)
        mine = getattr(view, "access", "public").startswith(REACHES[role])
        for method in sorted(rule.methods & {"GET", "POST"}):
            valid = {name: plain.get(name, value) for name, value in (query if method == "GET" else posted).items()}
            for name, converter in arguments.items():  # each converter gets each bad value
                for value in (NUMBERS if converter == "int" else VALUES):
                    check(method, path_for(rule, {**{n: v[0] for n, v in real.items()}, name: value}))
            for chosen in itertools.product(*real.values()) if mine else ():  # each field gets each bad value
                path = path_for(rule, dict(zip(real, chosen, strict=True)))
                for value in VALUES:
                    if len(valid) > 1:
                        check(method, path, dict.fromkeys(valid, value))
                    for name in valid:
                        check(method, path, {**valid, name: value})
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} in all)"


# ------------------------------------------------------------------ what the fuzz found, one by one

def test_a_nul_byte_is_refused_with_400_wherever_it_is(web, member):
    member()
    for response in (web.post("/login", {"login": "maija\x00@example.fi", "password": PASSWORD}),
                     web.post("/privacy/request", {"email": "maija@example.fi", "kind": "access",
                                                   "details": "Hei\x00"}),
                     web.get("/privacy/%00"), web.get("/admin/audit?action=%00")):
        assert response.status_code == 400
        assert "NUL" in response.get_data(as_text=True)  # the page says what was wrong
    assert web.login().status_code == 303  # the same form without it works


def test_a_nul_byte_in_a_form_posted_as_the_raw_body_still_reaches_the_webhook(make_app):
    from portal.orders.webhook import sign
    app = make_app(env={"PORTAL_PAYMENT_WEBHOOK_SECRET": "w" * 32})
    body = b'{"id": "evt_1", "type": "payment.succeeded", "order": "x", "amount": 1, "currency": "EUR"}'
    response = app.test_client().post("/webhooks/payments", data=body, headers={
        "X-Portal-Signature": sign(body, "w" * 32), "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and response.json == {"error": "unknown order"}  # signature held


def test_ids_past_the_database_range_are_not_found(app, member):
    account, web = enrolled_staff(app, member)
    for path in ("/admin/people/99999999999999999999", "/admin/people/2147483648", "/admin/people/0",
                 "/account/invoices/9223372036854775808"):
        assert web.get(path).status_code == 404
    from werkzeug.routing import IntegerConverter

    from portal.web import IdConverter
    numbers = [c for rule in app.url_map.iter_rules() for c in rule._converters.values()
               if isinstance(c, IntegerConverter)]
    assert numbers and all(isinstance(c, IdConverter) for c in numbers)  # every route's ids are bounded


def test_admin_filters_refuse_what_they_cannot_read(app, member):
    account, web = enrolled_staff(app, member)
    member(email="aino@example.fi", name="Aino Aalto")
    assert web.post("/admin/people", {"purpose": "no-such-purpose"}).status_code == 400
    assert web.post("/admin/people", {"q": "aino\U0010ffff"}).status_code == 200
    assert "Aino Aalto" in web.post("/admin/people", {"q": "ai"}).get_data(as_text=True)
    for cursor in ("!!!", b64('["x", {"a": 1}]'), b64("[99999999999999999999, 1]")):
        assert web.post("/admin/people", {"cursor": cursor}).status_code == 200  # the first page
    for query in ("to=9999-12-31", "from=0001-01-01", "actor=²", "person=99999999999999999999", "before=-1"):
        assert web.get(f"/admin/audit?{query}").status_code == 400, query
    assert web.get("/admin/audit?to=2026-12-31&actor=&person=").status_code == 200
    assert web.post("/admin/2fa", {"code": "¹²³⁴⁵⁶"}).status_code == 422  # digits, but not ASCII ones


def test_free_text_is_capped_at_2000_characters(web):
    """IO-04: a free-text field takes 2000 characters and refuses the 2001st with a message."""
    for length, status in ((2001, 422), (2000, 303)):
        response = web.post("/privacy/request", {"email": "kirje@example.fi", "kind": "erasure",
                                                 "details": "x" * length})
        assert response.status_code == status, length
    assert 'id="details-error"' in web.post("/privacy/request", {"email": "kirje@example.fi", "kind": "erasure",
                                                                 "details": "x" * 2001}).get_data(as_text=True)


def test_sql_in_a_login_or_a_search_is_only_text(app, member):
    """IO-03: quotes, comments and LIKE wildcards are searched for as typed, never run."""
    account, web = enrolled_staff(app, member)
    member(email="aino@example.fi", name="Aino Aalto")
    for login in ("aino@example.fi' OR '1'='1", "' OR 1=1 --", "aino@example.fi'; --"):
        assert Web(app).post("/login", {"login": login, "password": PASSWORD}).status_code == 422, login
    for q in ("' OR '1'='1", "%", "_", "a%' --"):
        page = web.post("/admin/people", {"q": q})
        assert page.status_code == 200 and "Aino Aalto" not in page.get_data(as_text=True), q
    assert "Aino Aalto" in web.post("/admin/people", {"q": "aino"}).get_data(as_text=True)
