"""Member rights: see, download, correct, restrict, object, delete; requests without an account."""
import datetime as dt
import io
import json
import re
import tracemalloc
import zipfile

import jsonschema
import pytest
from markupsafe import escape
from peewee import ForeignKeyField
from support import BASE_URL, PASSWORD, Web, link_in, path_of, text_of

from portal import clock
from portal.accounts.models import Account, EmailToken, LoginSession
from portal.audit.models import AuditEntry
from portal.config import PROJECT_ROOT
from portal.consents import service as ledger
from portal.consents.audience import reachable_for
from portal.consents.models import ConsentEvent, Suppression
from portal.db import database
from portal.mail.models import OutboxMessage
from portal.models import MODELS
from portal.newsletter.models import PendingSignup
from portal.people.models import Person
from portal.register import load_register
from portal.register.fields import FIELD_NAMES
from portal.relationship.models import Interaction
from portal.rights import restrictions
from portal.rights.models import DataRequest, Restriction
from portal.rights.mydata import NOT_STORED, shown_keys
from portal.rights.registry import CONCERNS, covered_models

SCHEMA = json.loads((PROJECT_ROOT / "docs" / "export-schema.json").read_text())
NOT_PERSONAL = {"AuditEntry": "ids and actions only, never the data itself",
                "NoticeVersion": "the published notice texts", "BlockedDomain": "email domains, not people"}


@pytest.fixture
def signed_in(web, member):
    account = member(name="Maija Meikäläinen")
    with web.app.app_context():
        Person.update(phone="040 765 4321").where(Person.id == account.person_id).execute()
    web.login()
    return account


def fill_every_table(app, person):
    """Give `person` a row in every table that can hold their data."""
    with app.test_request_context():
        ledger.grant(person, "newsletter", "page", "test", ledger.consent_wording("newsletter", "fi"))
        Interaction.create(person=person, kind="free_material_sent", detail="opas.pdf")
        PendingSignup.create(email=person.email, language="fi", source_kind="form", source="opas",
                             grants='[{"purpose": "free_materials", "wording": null}]', notice_version="x",
                             token_hash="f" * 64, expires_at=clock.now() + dt.timedelta(days=1))
        Restriction.create(person=person, reason="accuracy", lifted_at=clock.now())
        DataRequest.create(kind="access", email=person.email, person=person, due_at=clock.now(),
                           extension_reason=f"{person.name} lähetti kirjeen, jonka liitteet tarkistamme")
        EmailToken.create(person=person, purpose="verify_email", token_hash="e" * 64, expires_at=clock.now())
        from portal.mail.service import send_mail
        send_mail(person.email, "password_changed", "x", person=person, reset_link="http://x")
        from portal.appointments.service import record_appointment
        from portal.orders import service as orders
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
        orders.place_order(person, [(product, 1)], {"name": person.name, "street": "Katu 1", "postal_code": "00100",
                                                    "city": "Helsinki"}, False, "fi")  # unpaid: no voucher
        record_appointment(person, "visit", clock.now(), "PT", 60, "Hyvä treeni", None)
        from portal.imports.service import store
        store(f"email;name;consent_date;consent_source;purposes\n{person.email.upper()};{person.name};2025-03-14;"
              f"messu;newsletter\nmuu@example.fi;Muu Ihminen;2025-03-14;messu;newsletter\n".encode(),
              app.config["IMPORTS_DIR"])  # an upload not yet imported names them


def exported(response):
    return zipfile.ZipFile(io.BytesIO(response.data))


# ------------------------------------------------------------------ coverage

def person_links(model):
    return [f for f in model._meta.fields.values()
            if isinstance(f, ForeignKeyField) and f.rel_model in (Person, Account)] or \
        (["email"] if "email" in model._meta.fields and model is not Person else [])


def test_every_table_linked_to_a_person_is_exported_and_erased():
    covered = covered_models()
    for model in MODELS:
        if model.__name__ in NOT_PERSONAL:
            continue
        assert model in covered, f"{model.__name__} is in MODELS but no concern exports and erases it"
    for module in CONCERNS:
        assert isinstance(module.TABLES, list) and callable(module.erase)
    linked = {m for m in MODELS if person_links(m) or m is Person}
    assert linked <= set(covered)


def test_every_field_of_both_registers_has_a_name_and_a_value_source(app):
    with app.app_context():
        shown = shown_keys()
    assert not shown & NOT_STORED, "a field listed as not stored is shown by a table: take it off the list"
    for name in ("bloomlead.toml", "liikkuvat-puntit.toml"):
        register = load_register(PROJECT_ROOT / "registers" / name)
        keys = {f for c in register.categories.values() for f in c.fields}
        assert keys <= set(FIELD_NAMES), keys - set(FIELD_NAMES)
        assert keys <= shown | NOT_STORED, f"no table shows {keys - shown - NOT_STORED} on My data"


def fill_every_field(app, person):
    """Give `person` a value for every field key the running definition names (NOT_STORED aside)."""
    from portal.appointments.service import record_appointment
    from portal.mail.service import send_mail
    from portal.orders import service as orders
    from portal.relationship.service import consent_purposes, staff_kinds
    from portal.relationship.service import record as record_entry
    with app.test_request_context():
        for purpose in app.extensions["register"].purposes_with_basis("consent"):
            ledger.grant(person, purpose.key, "page", "test", ledger.consent_wording(purpose.key, "fi"))
        LoginSession.create(account=person.accounts.first(), token_hash="s" * 64, device="Firefox",
                            expires_at=clock.now() + dt.timedelta(hours=1))
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
        orders.mark_paid(orders.place_order(person, [(product, 1)], {"name": person.name, "street": "Katu 1",
                                                                     "postal_code": "00100", "city": "Helsinki"},
                                            False, "fi"))
        for kind in staff_kinds():
            record_entry(person, kind, f"Kirjattu {kind}", "muistiinpano", None, None,
                         purpose=consent_purposes()[0] if kind == "consented" else None)
        record_appointment(person, "appointment", clock.now(), "PT", 60, "", None)
        record_appointment(person, "visit", clock.now(), "PT", 60, "", None)
        send_mail(person.email, "password_changed", "x", person=person, reset_link="http://x")


@pytest.mark.parametrize("register", ["registers/bloomlead.toml", "registers/liikkuvat-puntit.toml"])
def test_every_category_of_each_definition_is_shown_exported_and_erased(make_app, smtp, register):
    from portal.rights.erasure import erase_person
    from portal.rights.mydata import values
    from portal.rights.registry import tables
    app = make_app(env={"PORTAL_REGISTER": register, "PORTAL_SMTP_URL": smtp.url})
    definition = app.extensions["register"]
    web = Web(app)
    with app.test_request_context():
        from portal.accounts import passwords
        person = Person.create(email="maija@example.fi", name="Maija Meikäläinen", phone="040 765 4321",
                               source="test", status="member")
        Account.create(person=person, username="maija", password_hash=passwords.hash_password(PASSWORD),
                       email_verified_at=clock.now())
    fill_every_field(app, person)
    web.login()
    page = web.get("/account/data").get_data(as_text=True)
    with app.test_request_context():
        stored = {key for c in definition.categories.values() for key in c.fields} - NOT_STORED
        for key in sorted(stored):
            lines = values(person, key)
            assert lines, f"My data shows nothing for {key}"
            section = page.split(f'id="category-{definition.category_with_field(key).key}"')[1].split("</section>")[0]
            assert str(escape(lines[0])) in section, f"{key} is not on /account/data"
    data = json.loads(exported(web.post("/account/export")).read("data.json"))
    with app.test_request_context():
        for key in sorted(stored):
            holders = [t.name for t in tables() if key in t.shows]
            assert any(data["tables"][name] for name in holders), f"{key} is not in the export"
        erase_person(Person.get_by_id(person.id), notify=False)
        assert Person.get_or_none(Person.id == person.id) is None
        for key in sorted(stored - {"name", "first_name", "email", "phone", "language"}):  # the row itself went
            assert values(person, key) == [], f"{key} outlived the erasure"


# ------------------------------------------------------------------ see

def test_my_data_shows_every_category_with_how_it_is_processed(web, app, signed_in):
    page = web.get("/account/data")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    register = app.extensions["register"]
    for key, category in register.categories.items():
        assert f'id="category-{key}"' in body and category.retention_text["fi"] in body
    assert "Maija Meikäläinen" in body and "040 765 4321" in body and "maija@example.fi" in body
    assert "argon2id" in body and "$argon2" not in body
    assert "Hosting-palvelu / Hosting provider" in body and "Miksi" in body
    with app.app_context():
        assert AuditEntry.get().action == "data_viewed"


# ------------------------------------------------------------------ download

def test_export_needs_a_fresh_password(web, app, signed_in):
    clock.travel(dt.timedelta(minutes=11))
    web.get("/account")  # keep the session alive
    response = web.get("/account/export")
    assert response.status_code in (302, 303) and "/account/confirm-password" in response.headers["Location"]


def test_export_is_a_zip_that_matches_the_schema_and_holds_every_table(web, app, signed_in, mailbox):
    fill_every_table(app, signed_in.person)
    response = web.post("/account/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    archive = exported(response)
    data = json.loads(archive.read("data.json"))
    jsonschema.validate(data, SCHEMA)
    names = set(data["tables"])
    assert {f"{n}.csv" for n in names} | {"data.json", "README.html"} == set(archive.namelist())
    for table in ("person", "account", "login_sessions", "consents", "consent_events", "interactions",
                  "pending_signups", "restrictions", "data_requests", "email_deliveries", "orders",
                  "order_lines", "billing_details", "appointments"):
        assert data["tables"][table], f"{table} is empty in the export"
    assert data["tables"]["person"][0]["phone"] == "040 765 4321"
    assert data["tables"]["consent_events"][0]["wording"].startswith("Haluan")
    readme = archive.read("README.html").decode()
    assert '<html lang="fi">' in readme and "consent_events.csv" in readme and "wording_sha256" in readme
    everything = b"".join(archive.read(n) for n in archive.namelist())
    with app.app_context():
        account = Account.get()
        secrets = [account.password_hash, *[s.token_hash for s in LoginSession.select()], "e" * 64, "f" * 64]
    for secret in secrets:
        assert secret.encode() not in everything
    assert b"$argon2" not in everything
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "data_exported").count() == 1


def test_committed_schema_is_the_one_the_code_describes(app):
    from flask_babel import force_locale

    from portal.rights.export import json_schema
    with app.test_request_context(), force_locale("en"):
        assert json.loads(json.dumps(json_schema())) == SCHEMA, \
            "run: flask --app portal export-schema > docs/export-schema.json"


def test_csv_cells_cannot_become_formulas(web, app, member):
    member(name="=HYPERLINK(\"http://evil\")")
    web.login()
    archive = exported(web.post("/account/export"))
    assert "'=HYPERLINK" in archive.read("person.csv").decode()


def test_export_is_written_as_a_stream(app, member):
    from portal.rights.export import export_zip
    person = member().person
    with app.test_request_context():
        sha = ledger.consent_wording("newsletter", "fi")
        rows = [dict(person=person.id, purpose="newsletter", action=("granted", "withdrawn")[n % 2],
                     basis="consent", occurred_at=clock.now(), source_kind="page", source="bench",
                     wording=sha, notice_version="2025-12-21", network="") for n in range(20000)]
        with database.atomic():
            for start in range(0, len(rows), 500):
                ConsentEvent.insert_many(rows[start:start + 500]).execute()
        tracemalloc.start()
        chunks = total = 0
        for chunk in export_zip(person, "fi"):
            chunks, total = chunks + 1, total + len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert chunks > 100  # handed out piece by piece, not built whole
    assert peak < 6 * 1024 * 1024, f"peak {peak} bytes while streaming 20,000 events"


# ------------------------------------------------------------------ correct

def test_rectification_is_recorded_without_the_values(web, app, signed_in):
    web.post("/account/profile", {"name": "Maija Virtanen", "phone": "040 765 4321", "language": "fi"})
    with app.app_context():
        entry = AuditEntry.get(AuditEntry.action == "profile_rectified")
    assert entry.detail == "fields: name" and "Virtanen" not in entry.detail
    assert entry.person_id == signed_in.person_id and entry.actor_id == signed_in.id


# ------------------------------------------------------------------ restrict

def test_restriction_stops_marketing_and_the_person_lifts_it(web, app, signed_in, mailbox):
    web.post("/account/consents/newsletter", {"action": "grant"})
    assert web.post("/account/restrict", {"reason": "nope"}).status_code == 422
    assert web.post("/account/restrict", {"reason": "accuracy", "details": "Nimi väärin"}).status_code == 303
    with app.test_request_context():
        assert Person.get().restricted_at is not None
        for purpose in app.extensions["register"].purposes:
            assert not reachable_for(purpose).where(Person.id == signed_in.person_id).exists()
    assert "rajoitettu" in text_of(mailbox.last_to("maija@example.fi")).lower()
    assert "rajoitettu" in web.get("/account/data").get_data(as_text=True)
    web.post("/account/restrict/lift")
    with app.test_request_context():
        assert Person.get().restricted_at is None and Restriction.get().lifted_at is not None
        assert reachable_for("newsletter").exists()


def test_staff_cannot_lift_a_restriction_without_telling_the_person_first(app, member):
    person = member().person
    with app.test_request_context():
        restrictions.restrict(person, "objection", "")
        with pytest.raises(PermissionError):
            restrictions.lift_restriction(person, by_person=False)


# ------------------------------------------------------------------ object

def test_objection_to_a_legitimate_interest_keeps_the_reason(web, app, signed_in):
    web.post("/account/consents/community", {"action": "object", "reason": "En halua yhteisöviestejä"})
    with app.app_context():
        event = ConsentEvent.get(ConsentEvent.purpose == "community")
    assert event.action == "objected" and event.reason == "En halua yhteisöviestejä"


# ------------------------------------------------------------------ delete

def test_delete_page_says_what_is_deleted_and_what_is_kept(web, signed_in):
    page = web.get("/account/delete").get_data(as_text=True)
    assert "kirjanpitolaki" in page.lower() and "6 vuotta" in page and "tiiviste" in page


def test_deleting_the_account_erases_everything_but_the_suppression_hash(web, app, signed_in, mailbox, backend):
    fill_every_table(app, signed_in.person)
    other = Web(app)
    other.login()
    assert web.post("/account/delete", {"password": "väärä salasana", "understood": "y"}).status_code == 422
    response = web.post("/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303
    with app.app_context():
        for model in MODELS:
            for link in person_links(model):
                if isinstance(link, str):
                    left = model.select().where(model.email == "maija@example.fi")
                else:
                    owner = signed_in.person_id if link.rel_model is Person else signed_in.id
                    left = model.select().where(link == owner)
                assert not left.exists(), f"{model.__name__} still holds the erased person's rows"
        assert Person.select().count() == 0 and Account.select().count() == 0
        assert LoginSession.select().count() == 0 and ConsentEvent.select().count() == 0
        assert Suppression.select().count() == 1
        request_row = DataRequest.get()
        assert request_row.email.startswith("erased:") and request_row.person_id is None
        assert request_row.extension_reason == "" and request_row.details == ""
        assert AuditEntry.select().where(AuditEntry.action == "person_erased").count() == 1
    assert other.get("/account").status_code in (302, 303)  # every session ended
    assert Web(app).login().status_code == 422  # the account is gone

    notice = mailbox.last_to("maija@example.fi")
    assert "poistimme" in text_of(notice).lower()
    with app.app_context():
        assert OutboxMessage.select().count() == 0  # the notice's row is purged once delivered

    uploads = list(app.config["IMPORTS_DIR"].glob("*"))
    assert len(uploads) == 1 and "muu@example.fi" in uploads[0].read_text()  # the others stay to be imported
    for value in ("maija@example.fi", "Meikäläinen"):
        assert value not in uploads[0].read_text().lower() and value not in uploads[0].read_text()

    if backend == "sqlite":
        with app.app_context():
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = app.config["DATABASE_URL"][len("sqlite:///"):]
        raw = open(path, "rb").read()
        for value in ("maija@example.fi", "Maija Meikäläinen", "Meikäläinen", "040 765 4321"):
            assert value.encode() not in raw, f"{value} is still in the database file"


def test_subscriber_without_an_account_erases_themselves_from_preferences(web, app, mailbox):
    web.post("/subscribe/newsletter", {"email": "tilaaja@example.fi"}, csrf=False)
    web.post(path_of(link_in(mailbox.last_to("tilaaja@example.fi"))))
    preferences = next(path_of(found) for found in re.findall(re.escape(BASE_URL) + r"/\S+",
                                                              text_of(mailbox.last_to("tilaaja@example.fi")))
                       if "/preferences/" in found)
    assert web.post(f"{preferences}/erase").status_code == 303
    with app.app_context():
        assert Person.select().count() == 1  # nothing happens before the emailed link is used
    link = path_of(link_in(mailbox.last_to("tilaaja@example.fi")))
    assert "/privacy/erase/" in link and web.get(link).status_code == 200
    assert web.post(link).status_code == 200
    with app.app_context():
        assert Person.select().count() == 0 and Suppression.select().count() == 1
    assert web.post(link).status_code == 404


# ------------------------------------------------------------------ requests without an account

def test_access_request_is_answered_with_the_export_after_the_address_is_proven(web, app, mailbox):
    web.post("/subscribe/newsletter", {"email": "tilaaja@example.fi"}, csrf=False)
    web.post(path_of(link_in(mailbox.last_to("tilaaja@example.fi"))))
    response = web.post("/privacy/request", {"email": "tilaaja@example.fi", "kind": "access"})
    assert response.status_code == 303
    unknown = web.post("/privacy/request", {"email": "tuntematon@example.fi", "kind": "access"})
    assert unknown.headers["Location"] == response.headers["Location"]  # the same answer
    with app.app_context():
        row = DataRequest.get(DataRequest.email == "tilaaja@example.fi")
        assert row.state == "unverified" and row.due_at.month == (row.received_at.month % 12) + 1
    confirm = path_of(link_in(mailbox.last_to("tilaaja@example.fi")))
    assert web.get(confirm).status_code == 200
    assert web.post(confirm).status_code == 200
    answer = mailbox.last_to("tilaaja@example.fi")
    download = path_of(link_in(answer))
    assert download.startswith("/privacy/export/") and web.get(download).status_code == 200
    archive = exported(web.post(download))
    jsonschema.validate(json.loads(archive.read("data.json")), SCHEMA)
    with app.app_context():
        assert DataRequest.get(DataRequest.email == "tilaaja@example.fi").state == "answered"
    web.post(path_of(link_in(mailbox.last_to("tuntematon@example.fi"))))
    assert "emme käsittele" in text_of(mailbox.last_to("tuntematon@example.fi")).lower() or \
        "ei ole" in text_of(mailbox.last_to("tuntematon@example.fi")).lower()
    clock.travel(dt.timedelta(days=7, minutes=1))
    assert web.get(download).status_code == 404


def ask_for_my_data(web, mailbox, email="tilaaja@example.fi"):
    """File an access request, confirm it from the mail, return the download link's path."""
    web.post("/privacy/request", {"email": email, "kind": "access"})
    web.post(path_of(link_in(mailbox.last_to(email))))
    link = path_of(link_in(mailbox.last_to(email)))
    assert link.startswith("/privacy/export/")
    return link


def test_the_download_link_works_once_and_a_newer_one_replaces_it(web, app, mailbox):
    web.post("/subscribe/newsletter", {"email": "tilaaja@example.fi"}, csrf=False)
    web.post(path_of(link_in(mailbox.last_to("tilaaja@example.fi"))))
    first = ask_for_my_data(web, mailbox)
    second = ask_for_my_data(web, mailbox)
    replaced = web.get(first)
    assert replaced.status_code == 404 and "uudempi" in replaced.get_data(as_text=True)
    assert web.post(first).status_code == 404
    assert "kerran" in text_of(mailbox.last_to("tilaaja@example.fi"))  # the mail says it works once
    assert web.get(second).status_code == 200
    exported(web.post(second))
    used = web.post(second)
    assert used.status_code == 404 and "jo käytetty" in used.get_data(as_text=True)
    clock.travel(dt.timedelta(days=8))
    third = ask_for_my_data(web, mailbox)
    clock.travel(dt.timedelta(days=7, minutes=1))
    assert "vanhentunut" in web.get(third).get_data(as_text=True)


def test_a_download_link_one_did_not_ask_for_can_be_cancelled(web, app, mailbox, member):
    member(email="tilaaja@example.fi")
    link = ask_for_my_data(web, mailbox)
    assert "Peru linkki" in web.get(link).get_data(as_text=True)
    cancelled = web.post(f"{link}/cancel")
    assert cancelled.status_code == 200 and "peruttu" in cancelled.get_data(as_text=True)
    assert web.post(link).status_code == 404
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "export_link_cancelled").count() == 1

    # A member sees a link that still works on the export page and cancels it there.
    again = ask_for_my_data(web, mailbox)
    member_web = Web(app)
    member_web.login("tilaaja@example.fi")
    page = member_web.get("/account/export").get_data(as_text=True)
    assert "toimii kerran" in page
    assert member_web.post("/account/export/links/cancel").status_code == 303
    assert "toimii kerran" not in member_web.get("/account/export").get_data(as_text=True)
    assert web.post(again).status_code == 404


def test_other_requests_wait_for_staff_with_a_due_date(web, app, mailbox):
    web.post("/privacy/request", {"email": "kirje@example.fi", "kind": "erasure", "details": "Poistakaa"})
    web.post(path_of(link_in(mailbox.last_to("kirje@example.fi"))))
    with app.app_context():
        row = DataRequest.get()
    assert row.state == "open" and row.verified_at is not None
    assert "vastaamme" in text_of(mailbox.last_to("kirje@example.fi")).lower()


@pytest.mark.parametrize("start, expected", [
    (dt.datetime(2026, 1, 31, 12), dt.datetime(2026, 2, 28, 12)),
    (dt.datetime(2028, 1, 31, 12), dt.datetime(2028, 2, 29, 12)),
    (dt.datetime(2026, 12, 15, 9), dt.datetime(2027, 1, 15, 9)),
])
def test_one_calendar_month(start, expected):
    assert clock.add_months(start, 1) == expected


def test_every_formula_sign_at_the_start_of_a_csv_cell_is_neutralised(web, app, member):
    """IO-07: a cell that starts with = + - @ opens in a spreadsheet as text, not as a formula."""
    account = member()
    web.login()
    for sign in "=+-@":
        with app.app_context():
            Person.update(name=f"{sign}SUM(1+1)*cmd").where(Person.id == account.person_id).execute()
        person_csv = exported(web.post("/account/export")).read("person.csv").decode()
        assert f",'{sign}SUM(1+1)*cmd" in person_csv and f",{sign}SUM" not in person_csv, sign


def test_a_staff_members_export_holds_no_second_factor_secret_or_recovery_code(app, member):
    """DP-02: the authenticator's key and the recovery codes stay out of the person's own copy."""
    from staff_support import enrolled_staff

    from portal.staff.models import RecoveryCode
    from portal.staff.totp import _new_recovery_codes, secret_of
    account, web = enrolled_staff(app, member)
    with app.test_request_context():
        codes = _new_recovery_codes(Account.get_by_id(account.id))
        secret = secret_of(Account.get_by_id(account.id))
        stored = [bytes(Account.get_by_id(account.id).totp_secret)] + \
            [r.code_hash.encode() for r in RecoveryCode.select()]
    response = web.post("/account/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = exported(response)
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert b"admin@example.fi" in everything  # it is this person's export
    for value in [secret.encode(), *(c.encode() for c in codes), *stored]:
        assert value not in everything
