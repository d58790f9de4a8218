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
