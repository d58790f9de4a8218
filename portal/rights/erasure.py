"""Erasure (Art. 17): everything about a person, in one transaction, except what a law keeps.

`erase_person` runs every concern's erasure, then deletes the person row
itself; a confirmation goes to the old address from an outbox row that is
deleted as soon as it has been delivered.
"""
from .. import audit, clock
from ..accounts.models import Account
from ..accounts.sessions import end_sessions
from ..accounts.tokens import consume_token, issue_token, peek_token
from ..consents import privacy as ledger
from ..db import database
from ..mail.service import external_url, send_mail
from ..people.models import Person
from ..translate import lazy_gettext as _l
from .models import DataRequest, NotNow
from .registry import CONCERNS


def erase_person(person, by="self", notify=True):
    """Erase everything about `person` in one transaction; keep only the suppression hash.

    Every concern erases its own tables; the person row goes last, taking the
    consent events with it. The notice to the old address is purged from the
    outbox once delivered.
    """
    with database.atomic():
        person_id, email, language = person.id, person.email, person.language
        accounts = list(Account.select().where(Account.person == person))
        for account in accounts:
            end_sessions(account, reason="erased")
        for concern in CONCERNS:
            concern.erase(person)
        Person.delete().where(Person.id == person_id).execute()
        if notify:
            send_mail(email, "erased", _l("Your data has been deleted"), language=language,
                      purge_after_sending=True)
        audit.record("person_erased", person_id, detail=f"by {by}")


def erase_all_but_consent_proof(person, by):
    """Erase everything about `person` but the consent ledger, which must keep a withdrawn consent's record
    for its own period; the retention job then makes the person row a stub (retention/stubs.py)."""
    with database.atomic():
        for account in Account.select().where(Account.person == person):
            end_sessions(account, reason="erased")
        for concern in CONCERNS:
            if concern is not ledger:
                concern.erase(person)
        audit.record("person_erased", person.id, detail=f"by {by}; consent records kept for their period")


def request_erasure_link(person):
    """Mail a subscriber the link that confirms erasing them (24 h)."""
    with database.atomic():
        raw = issue_token(person, "erase")
        send_mail(person.email, "erase_confirm", _l("Confirm deleting your data"), person=person,
                  link=external_url("rights.erase_by_link", token=raw))


def peek_erasure(raw):
    """Return the person behind an erasure link, or None."""
    token = peek_token(raw, "erase")
    return token.person if token is not None else None


def erase_by_link(raw):
    """Erase the subscriber whose link this is; return True when done."""
    with database.atomic():
        token = consume_token(raw, "erase")
        if token is None:
            return False
        erase_person(token.person, by="link")
    return True


def erase_for_request(request, by):
    """Erase the person of an erasure request (the same service as self-service erasure)."""
    person = request.person
    if person is None:
        raise NotNow("no_person")
    with database.atomic():
        DataRequest.update(state="answered", answered_at=clock.now()).where(DataRequest.id == request.id).execute()
        erase_person(person, by=f"staff for request {request.id}")
