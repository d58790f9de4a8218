"""Appointments and visits (register B): recorded by staff, seen under My data, exported and erased."""
import datetime as dt
import io
import json
import zipfile

import pytest
from support import PASSWORD, Web

from portal import clock
from portal.accounts.models import Account
from portal.appointments.models import Appointment
from portal.appointments.service import record_appointment
from portal.audit.models import AuditEntry
from portal.people.models import Person


@pytest.fixture
def puntit(make_app, smtp):
    return make_app(env={"PORTAL_SMTP_URL": smtp.url, "PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"})


@pytest.fixture
def customer(puntit):
    from portal.accounts import passwords
    with puntit.test_request_context():
        staff = Account.create(person=Person.create(email="sami@example.fi", source="staff"), username="sami",
                               password_hash="x", role="admin", email_verified_at=clock.now())
        person = Person.create(email="asiakas@example.fi", name="Aino Asiakas", source="customer", status="member")
        Account.create(person=person, username="aino", password_hash=passwords.hash_password(PASSWORD),
                       email_verified_at=clock.now())
        record_appointment(person, "appointment", dt.datetime(2026, 12, 3, 8), "Personal training", 60,
                           "Polvi <script>alert(1)</script>", staff)
        record_appointment(person, "visit", dt.datetime(2026, 11, 5, 15), "Kehonkoostumusmittaus", 30, "", staff)
    return person


def test_staff_record_appointments_with_limits_and_an_audit_entry(puntit, customer):
    with puntit.test_request_context():
        staff = Account.get(Account.username == "sami")
        assert AuditEntry.select().where(AuditEntry.action.in_(("appointment_recorded", "visit_recorded"))).count() == 2
        for kind, type_, minutes, notes in (("call", "x", 30, ""), ("visit", "", 30, ""), ("visit", "x", 0, ""),
                                            ("visit", "x", 30, "n" * 2001)):
            with pytest.raises(ValueError):
                record_appointment(customer, kind, clock.now(), type_, minutes, notes, staff)
        assert Appointment.select().count() == 2


def test_the_person_sees_them_under_my_data(puntit, customer):
    web = Web(puntit)
    web.login("asiakas@example.fi")
    page = web.get("/account/data").get_data(as_text=True)
    section = page[page.index('id="category-appointments"'):]
    section = section[:section.index("</section>")]
    assert "Personal training" in section and "Kehonkoostumusmittaus" in section and "3.12.2026" in section
    assert "&lt;script&gt;" in section and "<script>alert" not in section  # IO-01


def test_they_are_exported_and_erased(puntit, customer):
    web = Web(puntit)
    web.login("asiakas@example.fi")
    archive = zipfile.ZipFile(io.BytesIO(web.post("/account/export").data))
    rows = json.loads(archive.read("data.json"))["tables"]["appointments"]
    assert [(r["kind"], r["type"], r["duration_minutes"]) for r in rows] == \
        [("visit", "Kehonkoostumusmittaus", 30), ("appointment", "Personal training", 60)]
    assert web.post("/account/delete", {"password": PASSWORD, "understood": "y"}).status_code == 303
    with puntit.app_context():
        assert Appointment.select().count() == 0 and Person.select().count() == 1  # the staff member


# ------------------------------------------------------------------ register B's other staff entries

def test_staff_record_register_bs_own_kinds_of_entry_and_the_person_sees_each_under_its_category(
        puntit, customer, member):
    from staff_support import enrolled_staff

    from portal.consents import service as ledger
    from portal.relationship.models import Interaction
    _, staff = enrolled_staff(puntit, member)
    page = staff.get(f"/admin/people/{customer.id}").get_data(as_text=True)
    assert 'value="quality"' in page and 'value="customer_email"' in page and 'value="consented"' in page
    assert 'value="message"' not in page and 'value="action"' not in page  # no B category names them
    url = f"/admin/people/{customer.id}/log"
    staff.post(url, {"kind": "quality", "detail": "Palaute valmennuksesta", "note": "Tyytyväinen"})
    staff.post(url, {"kind": "customer_email", "detail": "Kysymys ajanvarauksesta"})
    staff.post(url, {"kind": "message", "detail": "Ei kuulu tähän rekisteriin"})  # refused: A's kind
    refused = staff.post(url, {"kind": "consented", "detail": "Treenipäiväkirja", "purpose": "remarketing"})
    assert refused.status_code == 303
    with puntit.test_request_context():
        assert [i.kind for i in Interaction.select().order_by(Interaction.id)] == ["quality", "customer_email"]
        ledger.grant(customer, "remarketing", "staff", "letter", ledger.consent_wording("remarketing", "fi"))
    staff.post(url, {"kind": "consented", "detail": "Treenipäiväkirja", "purpose": "remarketing"})
    with puntit.test_request_context():
        assert Interaction.get(Interaction.kind == "consented").purpose == "remarketing"
    web = Web(puntit)
    web.login("asiakas@example.fi", PASSWORD)
    body = web.get("/account/data").get_data(as_text=True)
    sections = {key: body.split(f'id="category-{key}"')[1].split("</section>")[0]
                for key in ("quality", "customer_emails", "other")}
    assert "Palaute valmennuksesta" in sections["quality"] and "Tyytyväinen" in sections["quality"]
    assert "Kysymys ajanvarauksesta" in sections["customer_emails"]
    assert "Treenipäiväkirja" in sections["other"]
