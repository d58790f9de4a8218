"""The accounts concern's share of a person's data: person, account, sessions.

Never exported: the password hash, session ids and email tokens (DP-02).
"""
from ..people.models import Person
from ..personal_data import Field, Table, when
from ..translate import LANGUAGE_NAMES
from ..translate import lazy_gettext as _l
from .models import Account, EmailToken, LoginSession

COVERS = {
    Person: "exported",
    Account: "exported without the password hash",
    LoginSession: "exported without the session id",
    EmailToken: "not exported: single-use secrets; deleted on erasure",
}


def _person(person):
    yield {"email": person.email, "name": person.name, "phone": person.phone, "language": person.language,
           "status": person.status, "source": person.source, "created_at": person.created_at,
           "updated_at": person.updated_at, "restricted_at": person.restricted_at}


def _accounts(person):
    for a in Account.select().where(Account.person == person):
        yield {"username": a.username, "role": a.role, "state": a.state, "email_verified_at": a.email_verified_at,
               "created_at": a.created_at, "last_login_at": a.last_login_at,
               "password_changed_at": a.password_changed_at}


def _sessions(person):
    for s in (LoginSession.select().join(Account).where(Account.person == person)
              .order_by(LoginSession.created_at).iterator()):
        yield {"created_at": s.created_at, "last_seen_at": s.last_seen_at, "expires_at": s.expires_at,
               "device": s.device, "network": s.network}


def _first_name(name):
    return name.split()[0] if name.strip() else ""


TABLES = [
    Table("person", _l("Your details"), [
        Field("email", _l("Email address")), Field("name", _l("Name")),
        Field("phone", _l("Phone number"), nullable=True), Field("language", _l("Language of pages and email")),
        Field("status", _l("Your relationship with us: prospect, subscriber, member or customer")),
        Field("source", _l("Where your details first came from")),
        Field("created_at", _l("When your details were first recorded"), "datetime"),
        Field("updated_at", _l("When your details last changed"), "datetime"),
        Field("restricted_at", _l("Since when processing has been restricted at your request"), "datetime",
              nullable=True),
    ], _person, shows={
        "name": lambda r: r["name"], "first_name": lambda r: _first_name(r["name"]),
        "email": lambda r: r["email"], "phone": lambda r: r["phone"],
        "language": lambda r: LANGUAGE_NAMES.get(r["language"], r["language"]),
    }),
    Table("account", _l("Your account"), [
        Field("username", _l("Username")), Field("role", _l("Role: member, moderator or admin")),
        Field("state", _l("Account state: active, waiting for approval or suspended")),
        Field("email_verified_at", _l("When you confirmed your email address"), "datetime", nullable=True),
        Field("created_at", _l("When the account was created"), "datetime"),
        Field("last_login_at", _l("When you last logged in"), "datetime", nullable=True),
        Field("password_changed_at", _l("When the password was last set (the password itself is stored "
                                         "only as an argon2id hash, which is not exported)"), "datetime"),
    ], _accounts, shows={
        "username": lambda r: r["username"],
        "password_hash": lambda r: str(_l("stored as an argon2id hash; the password itself is never stored")),
    }),
    Table("login_sessions", _l("Signed-in sessions"), [
        Field("created_at", _l("When you logged in"), "datetime"),
        Field("last_seen_at", _l("When the session was last used"), "datetime"),
        Field("expires_at", _l("When the session ends at the latest"), "datetime"),
        Field("device", _l("Browser and operating system, as the browser told us")),
        Field("network", _l("Network (the first three parts of the IP address only)")),
    ], _sessions, shows={
        "login_sessions": lambda r: f"{r['device'] or '?'} · {when(r['created_at'])} · {r['network']}",
    }),
]


def erase(person):
    """Remove the person's tokens, sessions and account (the person row goes last)."""
    EmailToken.delete().where(EmailToken.person == person).execute()
    accounts = Account.select(Account.id).where(Account.person == person)
    LoginSession.delete().where(LoginSession.account.in_(accounts)).execute()
    Account.delete().where(Account.person == person).execute()
