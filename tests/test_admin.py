"""Admin and moderation pages: people, moderation, requests, processor exports, import, breaches, audit."""
import datetime as dt
import hashlib
import io
import re
import zipfile
from html.parser import HTMLParser

import pytest
from peewee import DatabaseError
from staff_support import enrolled_staff
from support import PASSWORD, Web, link_in, path_of, text_of

from portal import clock
from portal.accounts.models import Account
from portal.audit.models import AuditEntry
from portal.breaches.models import Breach, BreachNotice
from portal.consents import service as ledger
from portal.consents.models import ConsentEvent
from portal.db import database
from portal.people.models import Person
from portal.relationship.models import Interaction
from portal.rights.models import DataRequest


@pytest.fixture
def admin(app, member):
    return enrolled_staff(app, member)


def people(app, *specs):
    """Create people (email, name) as subscribers; return them."""
    with app.test_request_context():
        return [Person.create(email=email, name=name, source="test", status="subscriber") for email, name in specs]


def grant(app, person, purpose="newsletter"):
    with app.test_request_context():
        ledger.grant(person, purpose, "page", "test", ledger.consent_wording(purpose, "fi"))


def names_in(response):
    return re.findall(r'<a href="/admin/people/\d+">([^<]+)</a>', response.get_data(as_text=True))


# ------------------------------------------------------------------ people

def test_search_by_prefix_of_email_or_name_and_exact_username(app, admin):
    _, web = admin
    people(app, ("aino.aalto@example.fi", "Aino Aalto"), ("aarne@example.fi", "Äijä Äkäslompolo"),
           ("bertta@example.fi", "Bertta Berg"))
    assert names_in(web.post("/admin/people", {"q": "aino"})) == ["Aino Aalto"]
    assert names_in(web.post("/admin/people", {"q": "äijä"})) == ["Äijä Äkäslompolo"]  # case-folded, not ASCII only
    assert names_in(web.post("/admin/people", {"q": "aarne@"})) == ["Äijä Äkäslompolo"]
    assert names_in(web.post("/admin/people", {"q": "admin"})) == ["Admin Staff"]  # the exact username
    fragment = web.post("/admin/people", {"q": "bert"}, htmx=True).get_data(as_text=True)
    assert fragment.startswith('<section id="results"') and "Bertta Berg" in fragment


def test_keyset_pages_cover_everyone_once(app, admin):
    _, web = admin
    people(app, *[(f"henkilo{n:03d}@example.fi", f"Henkilö {n:03d}") for n in range(120)])
    seen, cursor = [], ""
    for _ in range(5):
        response = web.post("/admin/people", {"sort": "email", "cursor": cursor, "status": "subscriber"})
        seen += names_in(response)
        match = re.search(r'name="cursor" value="([^"]+)"', response.get_data(as_text=True))
        if not match:
            break
        cursor = match.group(1)
    assert seen == [f"Henkilö {n:03d}" for n in range(120)]


def test_filters(app, admin, member):
    _, web = admin
    calm, restricted = people(app, ("rauha@example.fi", "Rauha"), ("rajattu@example.fi", "Rajattu"))
    member(email="odottaja@example.fi", name="Odottaja", state="pending_approval")
    member(email="hyllytetty@example.fi", name="Hyllytetty", state="suspended")
    grant(app, calm)
    with app.app_context():
        Person.update(restricted_at=clock.now()).where(Person.id == restricted.id).execute()
    assert names_in(web.post("/admin/people", {"state": "restricted"})) == ["Rajattu"]
    assert names_in(web.post("/admin/people", {"state": "pending_approval"})) == ["Odottaja"]
    assert names_in(web.post("/admin/people", {"state": "suspended"})) == ["Hyllytetty"]
    assert names_in(web.post("/admin/people", {"purpose": "newsletter"})) == ["Rauha"]


def test_opening_a_person_is_audited_and_the_log_takes_messages(app, admin):
    account, web = admin
    person, = people(app, ("asiakas@example.fi", "Asiakas <script>alert(1)</script>"))
    page = web.get(f"/admin/people/{person.id}")
    assert page.status_code == 200 and "<script>alert(1)" not in page.get_data(as_text=True)
    with app.app_context():
        entry = AuditEntry.get(AuditEntry.action == "person_viewed")
        assert entry.person_id == person.id and entry.actor_id == account.id
        assert "asiakas@example.fi" not in entry.detail
    response = web.post(f"/admin/people/{person.id}/log",
                        {"kind": "message", "detail": "Soitti laskusta", "note": "Lupasin tarkistaa",
                         "occurred_at": "2026-11-20T14:30"})
    assert response.status_code == 303
    with app.app_context():
        entry = Interaction.get()
        assert entry.kind == "message" and entry.staff_id == account.id
        assert entry.occurred_at == dt.datetime(2026, 11, 20, 12, 30)  # Finnish time stored as UTC
    assert web.get("/admin/people/999999").status_code == 404


def test_staff_end_a_members_sessions(app, admin, member):
    _, web = admin
    target = member(email="kohde@example.fi")
    browser = Web(app)
    browser.login("kohde@example.fi", PASSWORD)
    web.post(f"/admin/people/{target.person_id}/sessions/end")
    assert browser.get("/account").status_code in (302, 303)


def test_only_an_admin_ends_a_staff_members_sessions(app, member):
    admin, admin_web = enrolled_staff(app, member)
    moderator, moderator_web = enrolled_staff(app, member, role="moderator")
    other, other_web = enrolled_staff(app, member, role="moderator", email="toinen@example.fi")
    page = moderator_web.get(f"/admin/people/{admin.person_id}").get_data(as_text=True)
    assert "/sessions/end" not in page  # no button for what a moderator may not do
    for target in (admin, other, moderator):
        assert moderator_web.post(f"/admin/people/{target.person_id}/sessions/end").status_code == 403
    assert admin_web.get("/admin").status_code == 200 and other_web.get("/admin").status_code == 200
    with app.app_context():
        refused = AuditEntry.select().where(AuditEntry.action == "sessions_end_refused")
        assert [(e.actor_id, e.person_id) for e in refused.order_by(AuditEntry.id)] == \
            [(moderator.id, admin.person_id), (moderator.id, other.person_id), (moderator.id, moderator.person_id)]
    member_account = member(email="kohde@example.fi")
    assert moderator_web.post(f"/admin/people/{member_account.person_id}/sessions/end").status_code == 303
    assert admin_web.post(f"/admin/people/{other.person_id}/sessions/end").status_code == 303
    assert other_web.get("/admin").status_code in (302, 303)


# ------------------------------------------------------------------ moderation

def test_approve_and_reject_pending_members(app, admin, member, mailbox):
    _, web = admin
    waiting = member(email="odottaja@example.fi", state="pending_approval")
    other = member(email="hylatty@example.fi", state="pending_approval")
    assert "odottaja@example.fi" in web.get("/admin/moderation").get_data(as_text=True)
    web.post(f"/admin/moderation/{waiting.id}/approve")
    assert web.post(f"/admin/moderation/{other.id}/reject", {"reason": ""}).status_code == 303
    with app.app_context():
        assert Account.get_by_id(other.id).state == "pending_approval"  # no reason, nothing done
    web.post(f"/admin/moderation/{other.id}/reject", {"reason": "Emme tunnista sinua asiakkaaksemme."})
    with app.app_context():
        assert Account.get_by_id(waiting.id).state == "active"
        assert Account.get_or_none(Account.id == other.id) is None
        assert Person.get_or_none(Person.email == "hylatty@example.fi") is None
    assert "Emme tunnista" in text_of(mailbox.last_to("hylatty@example.fi"))
    assert mailbox.last_to("odottaja@example.fi")


def test_suspension_ends_sessions_at_once_and_the_person_is_told(app, admin, member, mailbox):
    _, web = admin
    target = member(email="kohde@example.fi")
    browser = Web(app)
    browser.login("kohde@example.fi", PASSWORD)
    web.post(f"/admin/moderation/{target.id}/suspend", {"reason": "Roskapostia yhteisössä"})
    assert browser.get("/account").status_code in (302, 303)
    assert Web(app).login("kohde@example.fi", PASSWORD).status_code == 422
    assert "Roskapostia" in text_of(mailbox.last_to("kohde@example.fi"))
    web.post(f"/admin/moderation/{target.id}/reinstate", {"reason": "Asia selvitetty"})
    assert Web(app).login("kohde@example.fi", PASSWORD).status_code == 303


def test_bulk_spam_removal_confirms_first_and_touches_only_unconfirmed(app, admin, member):
    _, web = admin
    spam = [member(email=f"spam{n}@roska.example", verified=False) for n in range(3)]
    real = member(email="oikea@example.fi")
    ids = [a.id for a in spam] + [real.id]
    confirm = web.post("/admin/moderation/spam", {"account": [str(i) for i in ids]}, htmx=True)
    body = confirm.get_data(as_text=True)
    assert 'id="spam-confirm"' in body and "spam0@roska.example" in body and "oikea@example.fi" not in body
    with app.app_context():
        assert Account.select().count() == 5
    web.post("/admin/moderation/spam/confirm", {"account": [str(i) for i in ids]})
    with app.app_context():
        assert {a.person.email for a in Account.select()} == {"oikea@example.fi", "admin@example.fi"}


def test_blocked_domain_refuses_signups(app, admin):
    _, web = admin
    web.post("/admin/moderation/domains", {"domain": "roska.example", "reason": "botit"})
    visitor = Web(app)
    response = visitor.post("/signup", {"name": "Botti", "email": "botti@roska.example", "username": "botti",
                                        "password": PASSWORD, "adult": "y"})
    assert response.status_code == 422 and "toista osoitetta" in response.get_data(as_text=True)
    subscribe = visitor.post("/subscribe/newsletter", {"email": "botti@roska.example"}, csrf=False)
    assert subscribe.status_code == 422 and "toista osoitetta" in subscribe.get_data(as_text=True)


# ------------------------------------------------------------------ requests

def test_written_request_is_recorded_with_its_scan_and_due_date(app, admin, mailbox):
    _, web = admin
    person, = people(app, ("kirjoittaja@example.fi", "Kirjoittaja"))
    scan = (io.BytesIO(b"%PDF-1.4 scanned letter"), "kirje.pdf")
    response = web.post("/admin/requests", {"email": "kirjoittaja@example.fi", "kind": "access", "channel": "letter",
                                            "received": "2026-11-02", "details": "Pyydän tietoni", "scan": scan},
                        content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        row = DataRequest.get()
    assert row.due_at.date() == dt.date(2026, 12, 2) and row.channel == "letter" and row.person_id == person.id
    assert web.get(f"/admin/requests/{row.id}/scan").data == b"%PDF-1.4 scanned letter"
    assert "overdue" in web.get("/admin/requests").get_data(as_text=True) or row.due_at > clock.now()
    web.post(f"/admin/requests/{row.id}/export")
    assert "/privacy/export/" in text_of(mailbox.last_to("kirjoittaja@example.fi"))
    bad = web.post("/admin/requests", {"email": "x@example.fi", "kind": "access", "channel": "letter",
                                       "received": "2026-11-02", "scan": (io.BytesIO(b"MZ not a pdf"), "x.exe")},
                   content_type="multipart/form-data")
    assert bad.status_code == 422


def test_a_scanned_letter_up_to_the_promised_5_mb_is_accepted(app, admin):
    _, web = admin
    letter = b"%PDF-1.4 " + b"s" * (4 * 1024 * 1024)  # over MAX_CONTENT_LENGTH (1 MiB), under 5 MB

    def send(data):
        return web.post("/admin/requests", {"email": "kirje@example.fi", "kind": "access", "channel": "letter",
                                            "received": "2026-11-02", "scan": (io.BytesIO(data), "kirje.pdf")},
                        content_type="multipart/form-data")
    assert send(letter).status_code == 303
    with app.app_context():
        row = DataRequest.get()
    assert web.get(f"/admin/requests/{row.id}/scan").data == letter
    assert send(letter + b"s" * (1024 * 1024)).status_code == 422  # over 5 MB: said so on the form
    assert send(letter * 2).status_code == 413  # over the endpoint's own limit


def test_extension_only_before_the_first_month_ends_and_with_a_message(app, admin, mailbox):
    _, web = admin
    web.post("/privacy/request", {"email": "odottava@example.fi", "kind": "erasure"})
    Web(app).post(path_of(link_in(mailbox.last_to("odottava@example.fi"))))
    with app.app_context():
        row = DataRequest.get()
    web.post(f"/admin/requests/{row.id}/extend", {"months": "2", "reason": ""})
    with app.app_context():
        assert DataRequest.get().extended_until is None  # no reason, no extension
    web.post(f"/admin/requests/{row.id}/extend", {"months": "2", "reason": "Selvitämme arkistoja"})
    with app.app_context():
        row = DataRequest.get()
    assert row.extended_until is not None and row.extended_until.month == (row.due_at.month + 1) % 12 + 1
    assert "Selvitämme arkistoja" in text_of(mailbox.last_to("odottava@example.fi"))
    web.post(f"/admin/requests/{row.id}/close", {"reply": "Tiedot poistettu."})
    with app.app_context():
        assert DataRequest.get().state == "closed"
    assert "Tiedot poistettu." in text_of(mailbox.last_to("odottava@example.fi"))


def test_a_late_extension_is_refused(app, admin, mailbox):
    _, web = admin
    web.post("/privacy/request", {"email": "myohassa@example.fi", "kind": "objection"})
    Web(app).post(path_of(link_in(mailbox.last_to("myohassa@example.fi"))))
    clock.travel(dt.timedelta(days=32))
    web.post("/admin/requests/1/extend", {"months": "1", "reason": "Liian myöhään"})
    with app.app_context():
        assert DataRequest.get().extended_until is None


def test_staff_lift_a_restriction_only_after_telling_the_person(app, admin, member, mailbox):
    _, web = admin
    target = member(email="rajattu@example.fi")
    with app.test_request_context():
        from portal.rights import restrictions
        restrictions.restrict(target.person, "accuracy", "")
        row = DataRequest.create(kind="restriction", email="rajattu@example.fi", person=target.person,
                                 due_at=clock.now() + dt.timedelta(days=30), state="open")
    web.post(f"/admin/requests/{row.id}/lift")
    with app.app_context():
        assert Person.get_by_id(target.person_id).restricted_at is not None
    web.post(f"/admin/requests/{row.id}/announce-lift", {"when": "1.12.2026"})
    assert "1.12.2026" in text_of(mailbox.last_to("rajattu@example.fi"))
    web.post(f"/admin/requests/{row.id}/lift")
    with app.app_context():
        assert Person.get_by_id(target.person_id).restricted_at is None


# ------------------------------------------------------------------ processors

def test_mailchimp_gets_only_email_and_first_name_and_later_the_removals(make_app, member, smtp):
    app = make_app(env={"PORTAL_REGISTER": "registers/liikkuvat-puntit.toml", "PORTAL_SMTP_URL": smtp.url})
    _, web = enrolled_staff(app, member)
    keep, leave, erase, never = people(app, ("pysyva@example.fi", "Pirjo Pysyvä"), ("lahtija@example.fi", "Lauri"),
                                       ("poistuva@example.fi", "=cmd|' /C calc'!A0"), ("ei@example.fi", "Eino"))
    for person in (keep, leave, erase):
        grant(app, person)
    first = zipfile.ZipFile(io.BytesIO(web.post("/admin/processors/mailchimp/export").data))
    added = [n for n in first.namelist() if "-add-" in n][0]
    rows = first.read(added).decode().splitlines()
    assert rows[0] == "email,first_name"
    assert sorted(rows[1:]) == sorted(["pysyva@example.fi,Pirjo", "lahtija@example.fi,Lauri",
                                       "poistuva@example.fi,'=cmd|'"])
    with app.test_request_context():
        ledger.withdraw(leave, "newsletter", "page", "test")
        from portal.rights.erasure import erase_person
        erase_person(Person.get_by_id(erase.id), notify=False)
    second = zipfile.ZipFile(io.BytesIO(web.post("/admin/processors/mailchimp/export").data))
    removed = second.read([n for n in second.namelist() if "-remove-" in n][0]).decode()
    assert "lahtija@example.fi" in removed and "poistuva@example.fi" not in removed
    assert hashlib.md5(b"poistuva@example.fi").hexdigest() in removed  # Mailchimp's own id for the erased one
    with app.app_context():
        entries = [e.detail for e in AuditEntry.select().where(AuditEntry.action == "processor_export")]
    assert entries == ["mailchimp: 3 rows, 0 removals", "mailchimp: 1 rows, 2 removals"]


# ------------------------------------------------------------------ import

CSV = """email,name,consent_date,consent_source,purposes
uusi@example.fi,Uusi Tilaaja,2025-05-01,Messulomake 2025,newsletter
ilman@example.fi,Ei Todistetta,,,newsletter
estetty@example.fi,Estetty,2025-05-01,Messulomake 2025,newsletter
vaara@example.fi,Väärä,2025-05-01,Messulomake 2025,horoscope
"""


def test_import_dry_run_changes_nothing_then_imports_with_evidence(app, admin, mailbox):
    _, web = admin
    with app.test_request_context():
        ledger.suppress("estetty@example.fi", "unsubscribed")
    upload = {"file": (io.BytesIO(CSV.encode()), "tilaajat.csv")}
    report = web.post("/admin/import", upload, content_type="multipart/form-data")
    body = report.get_data(as_text=True)
    assert report.status_code == 200
    assert re.search(r"rivi 3: [^<]*consent_date", body) and re.search(r"rivi 5: [^<]*horoscope", body)
    with app.app_context():
        assert Person.select().where(Person.email != "admin@example.fi").count() == 0
    token = re.search(r'action="/admin/import/([^"]+)"', body).group(1)
    web.post(f"/admin/import/{token}")
    with app.app_context():
        imported = Person.get(Person.email == "uusi@example.fi")
        event = ConsentEvent.get(ConsentEvent.person == imported)
        assert (event.source_kind, event.source, event.occurred_at) == ("import", "Messulomake 2025",
                                                                      dt.datetime(2025, 5, 1))
        assert not Person.select().where(Person.email.in_(["ilman@example.fi", "estetty@example.fi",
                                                           "vaara@example.fi"])).exists()
    assert mailbox.to("uusi@example.fi") == []  # nobody is invited
    assert web.post(f"/admin/import/{token}").status_code == 404  # the file is gone


# ------------------------------------------------------------------ breaches

BREACH = {"title": "Kadonnut läppäri", "description": "Salaamaton läppäri katosi junassa.",
          "discovered_at": "2026-11-21T09:00", "categories": "tilaajat: nimi ja sähköposti",
          "people_affected": "2", "risk": "high", "consequences": "Tietojenkalastelu",
          "measures": "Salasanat vaihdettu"}


def test_breach_is_recorded_and_only_the_chosen_people_are_notified(app, admin, mailbox):
    _, web = admin
    chosen, other = people(app, ("kohde@example.fi", "Kohde"), ("sivullinen@example.fi", "Sivullinen"))
    assert web.post("/admin/breaches/new", {**BREACH, "title": ""}).status_code == 422
    response = web.post("/admin/breaches/new", BREACH)
    assert response.status_code == 303
    with app.app_context():
        breach = Breach.get()
    assert breach.discovered_at == dt.datetime(2026, 11, 21, 7, 0)
    listing = web.get("/admin/breaches").get_data(as_text=True)
    assert "Kadonnut läppäri" in listing
    found = web.post(f"/admin/breaches/{breach.id}/people", {"q": "kohde"}, htmx=True).get_data(as_text=True)
    assert "kohde@example.fi" in found and "sivullinen@example.fi" not in found
    confirm = web.post(f"/admin/breaches/{breach.id}/notify", {"person": [str(chosen.id)]})
    assert confirm.status_code == 200 and "kohde@example.fi" in confirm.get_data(as_text=True)
    web.post(f"/admin/breaches/{breach.id}/notify", {"person": [str(chosen.id)], "confirmed": "yes"})
    web.post(f"/admin/breaches/{breach.id}/notify", {"person": [str(chosen.id)], "confirmed": "yes"})
    notice = mailbox.last_to("kohde@example.fi")
    assert "Salaamaton läppäri" in text_of(notice) and len(mailbox.to("kohde@example.fi")) == 1
    assert mailbox.to("sivullinen@example.fi") == []
    with app.app_context():
        assert BreachNotice.select().count() == 1
        for sql in ("DELETE FROM breach_notice", "DELETE FROM breach"):
            with pytest.raises(DatabaseError):
                with database.atomic():
                    database.execute_sql(sql)


# ------------------------------------------------------------------ audit log

def test_audit_log_filters_and_cannot_be_changed(app, admin):
    account, web = admin
    person, = people(app, ("katsottu@example.fi", "Katsottu"))
    web.get(f"/admin/people/{person.id}")
    page = web.get(f"/admin/audit?person={person.id}&action=person_viewed").get_data(as_text=True)
    assert "person_viewed" in page and f"#{person.id}" in page
    assert "katsottu@example.fi" not in page
    with app.app_context():
        for sql in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
            with pytest.raises(DatabaseError):
                with database.atomic():
                    database.execute_sql(sql)


# ------------------------------------------------------------------ the contract side

def test_admin_adds_and_edits_a_product_with_clear_errors(app, admin):
    from portal.orders.models import Product
    _, web = admin
    bad = web.post("/admin/products", {"kind": "webinar", "name": "Myyntiwebinaari", "price": "ilmainen",
                                       "vat": "25,5", "access_link": "http://ei-https.example"})
    assert bad.status_code == 422 and bad.get_data(as_text=True).count('class="field-error"') == 2
    web.post("/admin/products", {"kind": "webinar", "name": "Myyntiwebinaari", "price": "49,90", "vat": "25,5",
                                 "starts_at": "2026-12-01T18:00", "duration_minutes": "90",
                                 "access_link": "https://kurssit.example.fi/myynti", "active": "y"})
    with app.app_context():
        product = Product.get()
    assert (product.price_cents, product.vat_rate_bp, product.starts_at) == (4990, 2550, dt.datetime(2026, 12, 1, 16))
    web.post(f"/admin/products/{product.id}", {"kind": "webinar", "name": "Myyntiwebinaari", "price": "59,00",
                                                "vat": "25,5", "active": ""})
    with app.app_context():
        product = Product.get()
    assert product.price_cents == 5900 and product.active is False


def test_staff_record_appointments_and_visits_for_a_person(make_app, member, smtp):
    from portal.appointments.models import Appointment
    app = make_app(env={"PORTAL_REGISTER": "registers/liikkuvat-puntit.toml", "PORTAL_SMTP_URL": smtp.url})
    _, web = enrolled_staff(app, member, role="moderator")
    person, = people(app, ("asiakas@example.fi", "Asiakas"))
    web.post(f"/admin/people/{person.id}/appointments", {"kind": "appointment", "starts_at": "2026-12-03T17:00",
                                                         "type": "Personal training", "duration": "60"})
    assert web.post(f"/admin/people/{person.id}/appointments", {"kind": "visit", "starts_at": "",
                                                                "type": "x", "duration": "60"}).status_code == 303
    with app.app_context():
        booked, = Appointment.select()
        assert (booked.kind, booked.starts_at, booked.duration_minutes) == \
            ("appointment", dt.datetime(2026, 12, 3, 15), 60)
        assert AuditEntry.select().where(AuditEntry.action == "appointment_recorded").exists()
    assert "Personal training" in web.get(f"/admin/people/{person.id}").get_data(as_text=True)


def test_admin_records_a_paid_order_and_opens_a_kept_voucher_only_with_a_reason(app, admin, mailbox):
    from portal.orders import service as orders
    from portal.orders.models import Invoice
    account, web = admin
    with app.app_context():
        product = orders.save_product(kind="product", name="Treeniopas", price_cents=1990, vat_rate_bp=2550)
    buyer, = people(app, ("ostaja@example.fi", "Olli Ostaja"))
    web.post(f"/admin/people/{buyer.id}/orders", {"product": str(product.id), "quantity": "1", "name": "Olli Ostaja",
                                                  "street": "Katu 1", "postal_code": "00100", "city": "Helsinki",
                                                  "country": "FI", "paid": "y"})
    with app.test_request_context():
        invoice = Invoice.get()
        from portal.rights.erasure import erase_person
        erase_person(Person.get_by_id(buyer.id), notify=False)
    listing = web.get("/admin/vouchers").get_data(as_text=True)
    assert invoice.number in listing
    assert web.post(f"/admin/vouchers/{invoice.id}", {"reason": ""}).status_code == 303
    opened = web.post(f"/admin/vouchers/{invoice.id}", {"reason": "Verotarkastus 2027"})
    assert opened.status_code == 200 and "Olli Ostaja" in opened.get_data(as_text=True)
    with app.app_context():
        entry = AuditEntry.get(AuditEntry.action == "voucher_viewed")
    assert "Verotarkastus 2027" in entry.detail and entry.actor_id == account.id


def test_every_staff_listing_of_people_is_audited_without_the_search_terms(app, admin):
    _, web = admin
    people(app, ("listattu@example.fi", "Listattu"))
    for path in ("/admin", "/admin/moderation", "/admin/requests"):
        web.get(path)
    web.post("/admin/people", {"q": "listattu"})
    with app.app_context():
        details = [e.detail for e in AuditEntry.select().where(AuditEntry.action == "people_listed")]
    assert [d.split(":")[0] for d in details] == ["overview", "moderation", "requests", "people"]
    assert not any("listattu" in d for d in details)


class _Holders(HTMLParser):
    """Record, for each piece of text holding `marker`, whether an element around it has hx-disable."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, marker):
        super().__init__()
        self.marker, self.open, self.found = marker, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append((tag, any(name == "hx-disable" for name, _ in attrs)))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.marker in data and not any(tag == "title" for tag, _ in self.open):
            self.found.append(any(disabled for _, disabled in self.open))


def test_peoples_own_words_sit_inside_hx_disable(app, admin, member):
    """IO-02: what a person typed is shown only inside hx-disable, so htmx never acts on it."""
    account, web = admin
    person, = people(app, ("asiakas@example.fi", "Merkki Asiakas"))
    web.post(f"/admin/people/{person.id}/log", {"kind": "message", "detail": "Merkki soitti", "note": "Merkki",
                                                 "occurred_at": "2026-11-20T14:30"})
    member(email="jasen@example.fi", name="Merkki Jäsen")
    own = Web(app)
    own.login("jasen@example.fi")
    for page in (web.get(f"/admin/people/{person.id}"), web.post("/admin/people", {"q": "merkki"}),
                 own.get("/account"), own.get("/account/data")):
        holders = _Holders("Merkki")
        holders.feed(page.get_data(as_text=True))
        assert holders.found and all(holders.found), (page.request.path, holders.found)


def test_staff_search_terms_never_go_into_an_address(app, admin):
    """DP-03: the people search and its next page are posted, and no link on the results carries the terms."""
    _, web = admin
    people(app, *[(f"aino{n}@example.fi", f"Aino Aalto {n}") for n in range(60)])
    page = web.post("/admin/people", {"q": "aino"}).get_data(as_text=True)
    assert "Aino Aalto" in page and 'name="cursor"' in page  # found, with a next page to ask for
    forms = re.findall(r"<form\b[^>]*>", page)
    assert [f for f in forms if "admin/people" in f] and \
        all('method="post"' in f for f in forms if "admin/people" in f)
    addresses = re.findall(r'(?:href|action|hx-get|hx-post|src)="([^"]*)"', page)
    assert addresses and not [a for a in addresses if "aino" in a.lower()]
