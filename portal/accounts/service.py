"""Account verbs: log in, reset, change password and email, profile (sign-up is in signup/).

Each verb owns its transaction; the mail it causes is written inside it, so a
failure anywhere leaves neither a half-made account nor a stray email.
Answers never reveal whether an address is registered (AUTH-09).
"""

from .. import audit, clock, limits
from ..db import database
from ..logs import auth_event
from ..mail.service import decide_later, external_url, send_mail
from ..people.models import Person, address_hash, normalise_email
from ..register import get_register
from ..register.versions import current as current_notice
from ..translate import lazy_gettext as _l
from . import passwords
from .models import Account
from .sessions import end_sessions, mark_reauthenticated, start_session
from .tokens import consume_token, issue_token, peek_token, token_data, void_tokens

# Every password check counts against the account's one limit (AUTH-08): logins,
# re-authentication, password change and deletion alike.
PASSWORD_LIMIT = "LOGIN_LIMIT_PER_ACCOUNT"


# Mail that a visitor can cause to any address counts against that address's one
# limit, shared with the public forms that mail it (no inbox gets flooded).
ADDRESS_LIMIT = "EMAIL_LIMIT_PER_ADDRESS"


class UsernameTaken(Exception):
    """The chosen username belongs to someone else."""


class EmailTaken(Exception):
    """The new address already belongs to another person."""


def _throttled_verify(account, password, key):
    """Check a password, counted against `key` before the check and given back when it is right.

    Counting first makes the check and the count one step, so simultaneous
    guesses cannot all pass; past the limit even the right password gets 429.
    """
    if not limits.take(PASSWORD_LIMIT, key):
        limits.refuse(PASSWORD_LIMIT, key)
    ok = passwords.verify_password(account.password_hash if account else None, password)
    if ok:
        limits.give_back(PASSWORD_LIMIT, key)
    return ok


def authenticate(identifier, password):
    """Return the account if the password is right; always one argon2 verify.

    Failures count per account, whether its email or its username is typed; a
    login that names no account counts under what was typed, so throttling
    answers alike for known and unknown logins (AUTH-09).
    """
    typed = normalise_email(identifier)
    account = Account.by_login(typed)
    key = limits.account_key(account.id) if account else limits.field_key("login", typed[:254])
    ok = _throttled_verify(account, password, key)
    if not ok:
        auth_event("login", "failure", account_id=account.id if account else None)
        return None
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
        Account.update(password_hash=account.password_hash).where(Account.id == account.id).execute()
    return account


def log_in(account, remember):
    """Start a session for an authenticated account."""
    with database.atomic():
        record = start_session(account, remember)
        account.last_login_at = clock.now()
        Account.update(last_login_at=account.last_login_at).where(Account.id == account.id).execute()
    auth_event("login", "success", account_id=account.id, session_id=record.id)
    return record


def request_password_reset(email, language):
    """Queue a reset for the worker to decide on; the request does the same for every address (AUTH-09)."""
    decide_later(email, "reset_password", language)


def decide_password_reset(email, language):
    """(Worker) Mail a reset link if the address has an account that may reset its password."""
    person = Person.get_or_none(Person.email == email)
    account = person.accounts.first() if person else None
    if account is None or account.state == "suspended":
        auth_event("password_reset_request", "unknown_or_refused")
        return
    raw = issue_token(person, "reset_password")
    send_mail(person.email, "reset_password", _l("Reset your password"), person=person,
              link=external_url("accounts.reset", token=raw), username=account.username)
    auth_event("password_reset_request", "sent", account_id=account.id)


def peek_reset(raw):
    """Return the token behind a reset link if it can still be used."""
    return peek_token(raw, "reset_password")


def reset_password(raw, new_password):
    """Set a new password from a reset link; end every session; do not log in (TOK-05)."""
    with database.atomic():
        token = consume_token(raw, "reset_password")
        if token is None:
            return None
        account = token.person.accounts.first()
        _set_password(account, new_password)
        if not account.is_verified:
            account.email_verified_at = clock.now()  # the link proved the address
            if get_register().requires_approval and account.role == "member":
                account.state = "pending_approval"
            account.save()
        end_sessions(account, reason="password_reset")
        void_tokens(token.person, "reset_password")
        _mail_password_changed(account)
    auth_event("password_reset", "success", account_id=account.id)
    return account


def confirm_password(account, password, action):
    """Check the signed-in account's own password before `action`; throttled and logged like a login."""
    if _throttled_verify(account, password, limits.account_key(account.id)):
        return True
    auth_event(action, "wrong_password", account_id=account.id)
    return False


def reauthenticate(account, password):
    """Accept a fresh password entry for this session (SES-06); return False if it is wrong."""
    if not confirm_password(account, password, "reauthenticate"):
        return False
    mark_reauthenticated()
    auth_event("reauthenticate", "success", account_id=account.id)
    return True


def change_password(account, current, new_password):
    """Change the password after checking the current one; other sessions end (AUTH-07)."""
    if not confirm_password(account, current, "password_change"):
        return False
    with database.atomic():
        _set_password(account, new_password)
        end_sessions(account, reason="password_change")
        void_tokens(account.person, "reset_password")
        _mail_password_changed(account)
        start_session(account)
    auth_event("password_change", "success", account_id=account.id)
    return True


def _set_password(account, new_password):
    account.password_hash = passwords.hash_password(new_password)
    account.password_changed_at = clock.now()
    Account.update(password_hash=account.password_hash, password_changed_at=account.password_changed_at) \
        .where(Account.id == account.id).execute()


def _mail_password_changed(account):
    send_mail(account.person.email, "password_changed", _l("Your password was changed"),
              person=account.person, reset_link=external_url("accounts.reset_request"))


def request_email_change(account, new_email):
    """Send a confirmation link to the new address; nothing changes until it is used."""
    with database.atomic():
        person = account.person
        raw = issue_token(person, "change_email", data={"email": new_email})
        send_mail(new_email, "email_change_verify", _l("Confirm your new email address"), person=person,
                  link=external_url("accounts.confirm_email_change", token=raw), new_email=new_email)
    auth_event("email_change_request", "sent", account_id=account.id)


def peek_email_change(raw):
    """Return the token behind an email-change link if it can still be used."""
    return peek_token(raw, "change_email")


def confirm_email_change(raw):
    """Switch to the new address; notify both addresses (AUTH-12). Raise EmailTaken."""
    with database.atomic():
        token = consume_token(raw, "change_email")
        if token is None:
            return None
        person, new_email = token.person, token_data(token)["email"]
        old_email = person.email
        if Person.select().where(Person.email == new_email, Person.id != person.id).exists():
            raise EmailTaken(new_email)
        Person.update(email=new_email, email_hash=address_hash(new_email), updated_at=clock.now()) \
            .where(Person.id == person.id).execute()
        person.email = new_email
        audit.record("profile_rectified", person, detail="fields: email")
        for address in (old_email, new_email):
            send_mail(address, "email_changed", _l("Your email address was changed"), person=person,
                      old_email=old_email, new_email=new_email,
                      reset_link=external_url("accounts.reset_request"))
    auth_event("email_change", "success", person_id=person.id)
    return person


def update_profile(person, name, phone, language):
    """Save the person's name, phone and language; record which fields changed (Art. 16)."""
    new = {"phone": phone or None, "language": language}
    changed = (["name"] if person.name != name else [])
    changed += [key for key, value in new.items() if getattr(person, key) != value]
    if not changed:
        return
    with database.atomic():
        Person.update(**new, **Person.name_fields(name), updated_at=clock.now()) \
            .where(Person.id == person.id).execute()
        audit.record("profile_rectified", person, detail="fields: " + ", ".join(changed))
    person.name, person.phone, person.language = name, phone or None, language


def set_language(person, language):
    """Remember the person's language for pages and email."""
    Person.update(language=language, updated_at=clock.now()).where(Person.id == person.id).execute()
    person.language = language


def create_admin(email, password, name="", username=None):
    """Create a verified, active admin account; raise ValueError if the address has one."""
    with database.atomic():
        person = Person.get_or_none(Person.email == email)
        if person is not None and person.accounts.exists():
            raise ValueError(f"{email} already has an account.")
        if person is None:
            person = Person.create(email=email, name=name, source="cli", status="member")
        username = username or _free_username(email.split("@")[0])
        account = Account.create(person=person, username=username, role="admin",
                                 password_hash=passwords.hash_password(password),
                                 email_verified_at=clock.now(), notice_seen=current_notice()[0])
    auth_event("admin_created", "success", account_id=account.id)
    return account


def _free_username(base):
    import re
    stem = re.sub(r"[^a-z0-9._-]", "", base.lower())[:24] or "admin"
    if len(stem) < 3:
        stem = (stem + "admin")[:24]
    candidate, n = stem, 1
    while Account.select().where(Account.username == candidate).exists():
        n += 1
        candidate = f"{stem}{n}"
    return candidate
