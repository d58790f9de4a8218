"""Guardians: staff record a child under 13 with the guardian who gave the data and consented;
the child's data is exported and erased like anyone's, and the guardian can ask for it."""
import io
import json
import zipfile

import pytest
from staff_support import enrolled_staff
from support import PASSWORD, Mailbox, Web, link_in, path_of

from portal import clock
from portal.accounts import passwords
from portal.accounts.models import Account
from portal.consents.models import Consent, ConsentEvent
from portal.guardians.models import Guardian
from portal.mail.models import OutboxMessage
from portal.people.models import Person
from portal.rights.erasure import erase_person
from portal.rights.models import DataRequest

CHILD = {"name": "Onni Lapsi", "email": "", "language": "fi", "guardian_name": "Hanna Huoltaja",
         "guardian_email": "hanna@example.fi", "guardian_phone": "040 111 2222", "purposes": ["newsletter"],
         "confirmed": "y"}


@pytest.fixture
def puntit(make_app, smtp):
    return make_app(env={"PORTAL_SMTP_URL": smtp.url, "PORTAL_REGISTER": "registers/liikkuvat-puntit.toml"})


def staff_web(puntit):
    """Return a signed-in admin's browser on register B (the member fixture is register A's)."""
    def member(email, role, name, **_):
        with puntit.test_request_context():
            person = Person.create(email=email, name=name, source="staff", status="member")
            return Account.create(person=person, username=email.split("@")[0], role=role,
                                  password_hash=passwords.hash_password(PASSWORD), email_verified_at=clock.now())
    return enrolled_staff(puntit, member)[1]


def the_child(puntit):
    with puntit.app_context():
        return Person.get(Person.source == "guardian")


def test_staff_record_a_child_with_the_guardian_as_the_source_and_the_guardians_consent(puntit):
    web = staff_web(puntit)
    assert "/admin/people/child" in web.get("/admin/people").get_data(as_text=True)
    assert web.post("/admin/people/child", {**CHILD, "confirmed": ""}).status_code == 422
    assert web.post("/admin/people/child", {**CHILD, "guardian_email": "ei-osoite"}).status_code == 422
    response = web.post("/admin/people/child", CHILD)
    assert response.status_code == 303
    child = the_child(puntit)
    assert response.headers["Location"].endswith(f"/admin/people/{child.id}")
    with puntit.app_context():
        guardian = Guardian.get(Guardian.child == child)
        assert (guardian.name, guardian.email, guardian.phone) == ("Hanna Huoltaja", "hanna@example.fi",
                                                                    "040 111 2222")
        event = ConsentEvent.get(ConsentEvent.person == child)
        assert (event.purpose, event.action, event.source_kind, event.source) == ("newsletter", "granted", "staff",
                                                                                  "guardian")
        assert event.wording_id is not None  # the exact text the guardian agreed to
        assert "@" not in child.email  # no address of the child's own: a placeholder that nobody is mailed at
    page = web.get(f"/admin/people/{child.id}").get_data(as_text=True)
    assert "Hanna Huoltaja" in page and "hanna@example.fi" in page


def test_the_guardians_address_asks_for_the_childs_data_and_gets_it(puntit, smtp):
    staff_web(puntit).post("/admin/people/child", CHILD)
    child = the_child(puntit)
    mailbox, web = Mailbox(puntit, smtp), Web(puntit)
    web.post("/privacy/request", {"email": "hanna@example.fi", "kind": "access"})
    web.post(path_of(link_in(mailbox.last_to("hanna@example.fi"))))
    with puntit.app_context():
        request = DataRequest.get(DataRequest.email == "hanna@example.fi")
        assert request.person_id == child.id and request.state == "answered"  # the request names the child
    archive = zipfile.ZipFile(io.BytesIO(web.post(path_of(link_in(mailbox.last_to("hanna@example.fi")))).data))
    data = json.loads(archive.read("data.json"))
    assert data["tables"]["person"][0]["name"] == "Onni Lapsi"
    assert data["tables"]["guardian"][0]["name"] == "Hanna Huoltaja"
    assert data["tables"]["consent_events"][0]["source"] == "guardian"


def test_the_childs_data_is_erased_like_anyones_and_nothing_is_mailed_to_a_placeholder(puntit):
    staff_web(puntit).post("/admin/people/child", CHILD)
    child = the_child(puntit)
    with puntit.test_request_context():
        erase_person(Person.get_by_id(child.id))
        assert Person.get_or_none(Person.id == child.id) is None
        assert Guardian.select().count() == 0 and Consent.select().count() == 0
        assert OutboxMessage.select().where(OutboxMessage.to_address == child.email).count() == 0


def test_only_a_definition_that_allows_guardians_takes_children(app, member):
    _, web = enrolled_staff(app, member)  # register A: guardians not configured
    assert "/admin/people/child" not in web.get("/admin/people").get_data(as_text=True)
    assert web.get("/admin/people/child").status_code == 404
    assert web.post("/admin/people/child", CHILD).status_code == 404


def test_a_child_whose_guardian_withdrew_every_consent_keeps_no_guardian_details(puntit):
    from portal.consents import service as ledger
    from portal.retention.service import run
    staff_web(puntit).post("/admin/people/child", CHILD)
    child = the_child(puntit)
    with puntit.test_request_context():
        ledger.withdraw(child, "newsletter", "staff", "guardian")
        run(apply=True)
        assert Person.get_by_id(child.id).email.startswith("withdrawn:")  # the proof of the consent stays
        assert Guardian.select().count() == 0  # the guardian's name and contact do not
