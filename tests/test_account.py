"""The member's own page: details edited in place, email change, re-entering the password."""
import datetime as dt

from support import PASSWORD, Web, link_in, path_of, text_of

from portal import clock
from portal.accounts.models import Account
from portal.people.models import Person


def test_account_page_shows_the_members_details(web, member):
    member(name="Maija Meikäläinen")
    web.login()
    page = web.get("/account").get_data(as_text=True)
    assert "Maija Meikäläinen" in page and "maija@example.fi" in page
    assert web.get("/account").headers["Cache-Control"] == "no-store"


def test_edit_details_in_place_with_htmx(web, member, app):
    member()
    web.login()
    form = web.get("/account/profile?edit=1", htmx=True)
    assert form.status_code == 200
    assert form.get_data(as_text=True).lstrip().startswith('<section id="profile"')
    saved = web.post("/account/profile", {"name": "Maija Virtanen", "phone": "040 123 4567", "language": "fi"},
                     htmx=True)
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Maija Virtanen" in body and "<html" not in body
    assert 'hx-swap-oob="true"' in body  # the "saved" message comes along out of band
    with app.app_context():
        person = Person.get()
        assert (person.name, person.phone) == ("Maija Virtanen", "040 123 4567")


def test_edit_details_without_javascript(web, member, app):
    member()
    web.login()
    page = web.get("/account/profile")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    saved = web.post("/account/profile", {"name": "Maija Virtanen", "phone": "", "language": "fi"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/account")
    assert "Maija Virtanen" in web.get("/account").get_data(as_text=True)


def test_invalid_details_are_refused_in_place(web, member, app):
    member()
    web.login()
    response = web.post("/account/profile", {"name": "", "phone": "soita minulle", "language": "fi"}, htmx=True)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="name-error"' in body and 'id="phone-error"' in body
    with app.app_context():
        assert Person.get().name == "Maija Meikäläinen"


def test_posted_role_and_verification_fields_are_ignored(web, member, app):
    member(verified=True)
    web.login()
    web.post("/account/profile", {"name": "Maija", "language": "fi", "role": "admin",
                                  "email_verified_at": "", "state": "active", "email": "x@example.fi"})
    with app.app_context():
        account = Account.get()
        assert account.role == "member" and account.email_verified_at is not None
        assert account.person.email == "maija@example.fi"


def test_choosing_english_switches_pages_and_mail(web, member, app, mailbox):
    member()
    web.login()
    response = web.post("/account/profile", {"name": "Maija", "language": "en"}, htmx=True)
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith("/account")
    assert '<html lang="en">' in web.get("/account").get_data(as_text=True)
    web.post("/account/password", {"current_password": PASSWORD, "password": "uusi vahva lause 42"})
    assert mailbox.last_to("maija@example.fi")["Subject"] == "Your password was changed"


def test_email_change_needs_a_fresh_password_and_confirmation(web, member, app, mailbox):
    member()
    web.login()
    clock.travel(dt.timedelta(minutes=11))
    web.get("/account")  # stay active
    response = web.get("/account/email")
    assert "/account/confirm-password" in response.headers["Location"]
    assert web.post("/account/confirm-password", {"password": "wrong password here", "next": "/account/email"}
                    ).status_code == 422
    ok = web.post("/account/confirm-password", {"password": PASSWORD, "next": "/account/email"})
    assert ok.headers["Location"] == "/account/email"

    assert web.post("/account/email", {"email": "uusi.osoite@example.fi"}).status_code == 303
    with app.app_context():
        assert Person.get().email == "maija@example.fi"  # nothing changes before confirmation
    link = path_of(link_in(mailbox.last_to("uusi.osoite@example.fi")))
    assert web.get(link).headers["Referrer-Policy"] == "same-origin"
    assert web.post(link).status_code == 303
    with app.app_context():
        assert Person.get().email == "uusi.osoite@example.fi"
    old = mailbox.last_to("maija@example.fi")
    assert "uusi.osoite@example.fi" in text_of(old)  # the old address is told (AUTH-12)
    assert Web(app).login("uusi.osoite@example.fi").status_code == 303


def test_email_change_link_only_works_for_its_own_account(web, member, app, mailbox):
    member(email="maija@example.fi")
    member(email="matti@example.fi")
    web.login("maija@example.fi")
    web.post("/account/email", {"email": "uusi@example.fi"})
    link = path_of(link_in(mailbox.last_to("uusi@example.fi")))
    other = Web(app)
    other.login("matti@example.fi")
    assert other.post(link).status_code == 404
    with app.app_context():
        assert Person.get(Person.email == "maija@example.fi")


def test_email_change_to_a_taken_address_is_refused_at_confirmation(web, member, app, mailbox):
    member(email="maija@example.fi")
    member(email="matti@example.fi")
    web.login("maija@example.fi")
    web.post("/account/email", {"email": "matti@example.fi"})
    link = path_of(link_in(mailbox.last_to("matti@example.fi")))
    web.post(link)
    with app.app_context():
        assert Person.select().where(Person.email == "maija@example.fi").exists()


def test_names_render_as_text_not_markup(web, member):
    member(name='<script>alert(1)</script> "><img src=x onerror=alert(2)> {{7*7}}')
    web.login()
    page = web.get("/account").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "{{7*7}}" in page  # not evaluated as a template
