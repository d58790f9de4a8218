"""Joining: sign-up, the verification of the address, and the consent boxes ticked on the way.

The account is made at once, unverified; the boxes ticked on the form wait in
the verification token and are granted in the ledger when the address is
proven, like a double opt-in. Answers never reveal whether an address is
registered (AUTH-09): a known address gets a notice instead, with the same work.
"""
from peewee import IntegrityError

from .. import clock, limits
from ..accounts import passwords
from ..accounts.models import Account, EmailToken
from ..accounts.service import ADDRESS_LIMIT, UsernameTaken
from ..accounts.tokens import consume_token, issue_token, peek_token, token_data
from ..consents import service as ledger
from ..db import database
from ..logs import auth_event
from ..mail.service import decide_later, external_url, send_mail
from ..people.models import Person
from ..register import get_register
from ..register.versions import current as current_notice
from ..register.versions import current_label
from ..translate import lazy_gettext as _l


def sign_up(name, email, username, password, phone, language, consents=()):
    """Create an unverified account (or tell the owner of a known address); mail either way.

    `consents` are (purpose, wording hash) pairs ticked on the form; they take
    effect when the address is verified, like a double opt-in.
    """
    with database.atomic():
        if Account.select().where(Account.username == username).exists():
            raise UsernameTaken(username)
        # Whether the address is new or known, its mail is limited alike (429 past it).
        limits.spend(ADDRESS_LIMIT, limits.field_key("email", email))
        person = Person.get_or_none(Person.email == email)
        if person is not None and person.accounts.exists():
            passwords.hash_password(password)  # same work, same time as a new account (AUTH-09)
            _mail_already_registered(person)
            auth_event("signup", "known_address", person_id=person.id)
            return None
        waiting = {"language": language}
        if person is None:
            person = Person.create(email=email, name=name, phone=phone or None, language=language,
                                   source="signup", status="member")
        else:
            # A subscriber signing up: their details change only once the address is proven.
            waiting["profile"] = {"name": name, "phone": phone or None, "language": language}
        if consents:
            waiting.update(consents=[{"purpose": p, "wording": sha} for p, sha in consents],
                           network=ledger.network_hint(), notice_version=current_label())
        try:
            with database.atomic():
                account = Account.create(person=person, username=username,
                                         password_hash=passwords.hash_password(password))
        except IntegrityError:
            raise UsernameTaken(username) from None
        _mail_verification(person, waiting)
    auth_event("signup", "created", account_id=account.id)
    return account


def _mail_verification(person, waiting):
    raw = issue_token(person, "verify_email", data=waiting)
    language = waiting.get("language") or person.language
    send_mail(person.email, "verify_email", _l("Confirm your email address"), person=person,
              language=language, link=external_url("signup.verify", token=raw))


def _mail_already_registered(person):
    send_mail(person.email, "already_registered", _l("You already have an account"), person=person,
              login_link=external_url("accounts.login"),
              reset_link=external_url("accounts.reset_request"))


def resend_verification(email, language):
    """Queue a new verification link for the worker to decide on: the same row for every address."""
    decide_later(email, "verify_email", language)


def decide_verification(email, language):
    """(Worker) Mail a new verification link if the address has an unverified account."""
    person = Person.get_or_none(Person.email == email)
    account = person.accounts.first() if person else None
    if account is not None and not account.is_verified:
        _mail_verification(person, _waiting_of(person))


def _waiting_of(person):
    """Return what waits for verification, from the latest verification token."""
    latest = (EmailToken.select().where(EmailToken.person == person, EmailToken.purpose == "verify_email")
              .order_by(EmailToken.id.desc()).first())
    return token_data(latest) if latest is not None else {}


def peek_verification(raw):
    """Return the token behind a verification link if it can still be used."""
    return peek_token(raw, "verify_email")


def verify_email(raw):
    """Use a verification link; return the account, or None if the link is not valid."""
    with database.atomic():
        token = consume_token(raw, "verify_email")
        if token is None:
            return None
        person = token.person
        account = person.accounts.first()
        if account is None:
            return None
        waiting = token_data(token)
        if waiting.get("profile"):
            profile = {**waiting["profile"], **Person.name_fields(waiting["profile"]["name"])}
            Person.update(**profile, updated_at=clock.now()).where(Person.id == person.id).execute()
        account.email_verified_at = clock.now()
        account.notice_seen = current_notice()[0]  # the notice was linked from the sign-up form
        _grant_ticked_consents(person, waiting, account.email_verified_at)
        if account.state == "active" and get_register().requires_approval and account.role == "member":
            account.state = "pending_approval"
        account.save()
        if person.status == "prospect" or person.status == "subscriber":
            Person.update(status="member").where(Person.id == person.id).execute()
    auth_event("email_verified", "success", account_id=account.id)
    return account


def _grant_ticked_consents(person, waiting, confirmed_at):
    """Grant the boxes ticked at sign-up, now that the address is proven."""
    grants = waiting.get("consents") or []
    if grants:
        ledger.lift_suppression(person.email)
    for item in grants:
        ledger.grant(person, item["purpose"], "signup", "signup", item["wording"], confirmed_at=confirmed_at,
                     network=waiting.get("network", ""), notice_version=waiting.get("notice_version"))
