"""Rate limits on the forms that send mail: what counts against an address, and what never does."""
import pytest
from support import Web

# Every public form that mails an address, with what else it needs to pass validation.
ADDRESS_FORMS = [
    ("/preferences", {}),
    ("/privacy/request", {"kind": "access"}),
    ("/password/reset", {}),
    ("/verify/resend", {}),
]


@pytest.mark.parametrize("path, extra", ADDRESS_FORMS)
@pytest.mark.parametrize("bad", ["", "   ", "ei-osoite", "@example.fi"])
def test_an_empty_or_invalid_address_is_a_form_error_for_everyone(app, path, extra, bad):
    """Bad addresses never share one limit: each visitor gets the message, never 429."""
    for visitor in range(6):
        response = Web(app).post(path, {"email": bad, **extra})
        assert response.status_code == 422, (visitor, response.status_code)
        assert 'id="email-error"' in response.get_data(as_text=True)  # the message, at the field


@pytest.mark.parametrize("path, extra", ADDRESS_FORMS)
def test_the_limit_counts_one_address_however_it_is_typed(app, path, extra):
    web = Web(app)
    # The same address three ways: composed, upper case with spaces, decomposed ("a" + combining dots).
    for typed in ("äiti@example.fi", " ÄITI@example.fi", "A\u0308iti@Example.FI "):
        assert web.post(path, {"email": typed, **extra}).status_code == 303
    assert web.post(path, {"email": "äiti@EXAMPLE.fi", **extra}).status_code == 429
    assert web.post(path, {"email": "toinen@example.fi", **extra}).status_code == 303


@pytest.mark.parametrize("path, extra", ADDRESS_FORMS)
def test_form_errors_do_not_use_up_an_addresses_limit(app, path, extra):
    web = Web(app)
    for _ in range(5):
        assert web.post(path, {"email": "", **extra}).status_code == 422
    for _ in range(3):
        assert web.post(path, {"email": "kohde@example.fi", **extra}).status_code == 303


def test_an_empty_address_on_a_sign_up_form_is_a_form_error_for_everyone(app):
    for _ in range(5):
        response = Web(app).post("/subscribe/newsletter", {"email": ""}, csrf=False)
        assert response.status_code == 422 and 'id="email-error"' in response.get_data(as_text=True)


# ------------------------------------------------------------------ mail bombing

def test_email_change_requests_are_limited_per_target_address(app, member, mailbox):
    """Signed-in accounts cannot flood someone else's inbox with confirmation links."""
    member(email="maija@example.fi")
    member(email="matti@example.fi")
    maija, matti = Web(app), Web(app)
    maija.login("maija@example.fi")
    matti.login("matti@example.fi")
    statuses = [maija.post("/account/email", {"email": "kohde@example.fi"}).status_code for _ in range(3)]
    statuses.append(matti.post("/account/email", {"email": "Kohde@example.fi"}).status_code)
    assert statuses == [303, 303, 303, 429]
    assert len(mailbox.to("kohde@example.fi")) == 3
    assert maija.post("/account/email", {"email": "toinen@example.fi"}).status_code == 303


def sign_ups(app, email, times):
    """Sign up `times` times with one address (new usernames each time); return the statuses."""
    web = Web(app)
    return [web.post("/signup", {"name": "Maija Meikäläinen", "email": email, "username": f"maija{n}",
                                 "password": "vihreä tuoli pilvessä", "adult": "y"}).status_code
            for n in range(times)]


def test_sign_ups_naming_a_registered_address_stop_mailing_its_owner(app, member, mailbox):
    member(email="maija@example.fi")
    registered = sign_ups(app, "maija@example.fi", 5)
    assert len(mailbox.to("maija@example.fi")) == 3  # "you already have an account", three times at most
    # An address without an account gets exactly the same answers: the limit tells nothing.
    assert sign_ups(app, "uusi@example.fi", 5) == registered == [303, 303, 303, 429, 429]
    assert len(mailbox.to("uusi@example.fi")) == 3  # the verification link, then "already registered"


def test_a_sign_up_refused_by_the_form_does_not_use_up_the_address(app, mailbox):
    web = Web(app)
    for _ in range(4):
        weak = {"name": "Maija", "email": "maija@example.fi", "username": "maija", "password": "salasana123456",
                "adult": "y"}
        assert web.post("/signup", weak).status_code == 422
    assert sign_ups(app, "maija@example.fi", 1) == [303]
