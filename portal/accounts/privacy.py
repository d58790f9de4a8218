"""The accounts concern's share of export and erasure: person, account, sessions.

Never exported: the password hash, session ids and email tokens (DP-02).
"""
from ..rights.tables import Field, Table, iso
from ..translate import lazy_gettext as _l
from .models import Account, EmailToken, LoginSession, Person

COVERS = {
    Person: "exported",
    Account: "exported without the password hash",
    LoginSession: "exported without the session id",
    EmailToken: "not exported: single-use secrets; deleted on erasure",
}


def export(person):
    """Return the person's details, account and sign-in sessions."""
    return [
        Table("person", _l("Your details"), [
            Field("email", _l("Email address")), Field("name", _l("Name")),
            Field("phone", _l("Phone number"), nullable=True), Field("language", _l("Language of pages and email")),
            Field("status", _l("Your relationship with us: prospect, subscriber, member or customer")),
            Field("source", _l("Where your details first came from")),
            Field("created_at", _l("When your details were first recorded")),
            Field("updated_at", _l("When your details last changed")),
            Field("restricted_at", _l("Since when processing has been restricted at your request"), nullable=True),
        ], lambda: [{"email": person.email, "name": person.name, "phone": person.phone,
                     "language": person.language, "status": person.status, "source": person.source,
                     "created_at": iso(person.created_at), "updated_at": iso(person.updated_at),
                     "restricted_at": iso(person.restricted_at)}]),
        Table("account", _l("Your account"), [
            Field("username", _l("Username")), Field("role", _l("Role: member, moderator or admin")),
            Field("state", _l("Account state: active, waiting for approval or suspended")),
            Field("email_verified_at", _l("When you confirmed your email address"), nullable=True),
            Field("created_at", _l("When the account was created")),
            Field("last_login_at", _l("When you last logged in"), nullable=True),
            Field("password_changed_at", _l("When the password was last set (the password itself is stored "
                                             "only as an argon2id hash, which is not exported)")),
        ], lambda: ({"username": a.username, "role": a.role, "state": a.state,
                     "email_verified_at": iso(a.email_verified_at), "created_at": iso(a.created_at),
                     "last_login_at": iso(a.last_login_at), "password_changed_at": iso(a.password_changed_at)}
                    for a in Account.select().where(Account.person == person))),
        Table("login_sessions", _l("Signed-in sessions"), [
            Field("created_at", _l("When you logged in")), Field("last_seen_at", _l("When the session was last used")),
            Field("expires_at", _l("When the session ends at the latest")),
            Field("device", _l("Browser and operating system, as the browser told us")),
            Field("network", _l("Network (the first three parts of the IP address only)")),
        ], lambda: ({"created_at": iso(s.created_at), "last_seen_at": iso(s.last_seen_at),
                     "expires_at": iso(s.expires_at), "device": s.device, "network": s.network}
                    for s in LoginSession.select().join(Account).where(Account.person == person)
                    .order_by(LoginSession.created_at).iterator())),
    ]


def erase(person):
    """Remove the person's tokens, sessions and account (the person row goes last)."""
    EmailToken.delete().where(EmailToken.person == person).execute()
    accounts = Account.select(Account.id).where(Account.person == person)
    LoginSession.delete().where(LoginSession.account.in_(accounts)).execute()
    Account.delete().where(Account.person == person).execute()
