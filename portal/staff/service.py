"""Staff verbs: invite, accept an invitation, change a role. Each is audited."""
from peewee import IntegrityError

from .. import audit, clock
from ..accounts import passwords
from ..accounts.models import Account
from ..accounts.sessions import end_sessions
from ..accounts.tokens import consume_token, issue_token, peek_token, token_data
from ..db import database
from ..logs import auth_event
from ..mail.service import external_url, send_mail
from ..people.models import Person
from ..register.versions import current
from ..translate import lazy_gettext as _l

ROLES = ("member", "moderator", "admin")


class NotAllowed(Exception):
    """The change would lock the portal out of its own administration."""


def staff():
    """Return every moderator and admin account with its person."""
    return list(Account.select(Account, Person).join(Person)
                .where(Account.role.in_(("moderator", "admin"))).order_by(Account.role, Person.email))


def invite(email, role, by):
    """Mail an invitation to become staff (72 h); the role is given when it is accepted."""
    with database.atomic():
        person = Person.get_or_none(Person.email == email)
        if person is None:
            person = Person.create(email=email, source="staff_invite", status="member")
        raw = issue_token(person, "staff_invite", data={"role": role, "by": by.id})
        send_mail(email, "staff_invite", _l("You are invited to the staff"), person=person, role=role,
                  link=external_url("staff.accept", token=raw), has_account=person.accounts.exists())
        audit.record("staff_invited", person, detail=f"role: {role}", actor=by)


def peek_invitation(raw):
    """Return (person, role, account or None) behind an invitation link, or None."""
    token = peek_token(raw, "staff_invite")
    if token is None:
        return None
    return token.person, token_data(token)["role"], token.person.accounts.first()


class UsernameTaken(Exception):
    """The chosen username belongs to someone else."""


def accept(raw, username=None, password=None):
    """Accept an invitation: create the account if needed and give the role; end its sessions."""
    with database.atomic():
        token = consume_token(raw, "staff_invite")
        if token is None:
            return None
        person, role = token.person, token_data(token)["role"]
        account = person.accounts.first()
        if account is None:
            try:
                with database.atomic():
                    account = Account.create(person=person, username=username, role=role,
                                             password_hash=passwords.hash_password(password),
                                             email_verified_at=clock.now(), notice_seen=current()[0])
            except IntegrityError:
                raise UsernameTaken(username) from None
        else:
            Account.update(role=role, email_verified_at=account.email_verified_at or clock.now()) \
                .where(Account.id == account.id).execute()
            account.role = role
            # Member sessions (30 days when remembered) must not carry staff rights: the next
            # login starts a staff session (15 min idle, 8 h, no "remember me"), as a role change does.
            end_sessions(account, reason="staff_role_given")
        audit.record("staff_invitation_accepted", person, detail=f"role: {role}", actor=account)
    auth_event("staff_invitation", "accepted", account_id=account.id, role=role)
    return account


def change_role(account, role, by):
    """Change a staff member's role; never one's own, never the last admin. Their sessions end."""
    if account.id == by.id:
        raise NotAllowed("own role")
    if account.role == "admin" and role != "admin" and \
            Account.select().where(Account.role == "admin", Account.state == "active").count() <= 1:
        raise NotAllowed("last admin")
    with database.atomic():
        Account.update(role=role).where(Account.id == account.id).execute()
        end_sessions(account, reason="role_changed")
        audit.record("role_changed", account.person, detail=f"{account.role} -> {role}", actor=by)
        send_mail(account.person.email, "role_changed", _l("Your role has changed"), person=account.person,
                  role=role)
    account.role = role
