"""Moderation verbs: approve or reject sign-ups, suspend and reinstate, remove spam, block domains.

Each is audited and tells the person by email where the person should know.
"""
from .. import audit, clock
from ..accounts.models import Account
from ..accounts.sessions import end_sessions
from ..db import database
from ..mail.service import external_url, send_mail
from ..people.models import BlockedDomain, Person
from ..rights.erasure import erase_person
from ..translate import lazy_gettext as _l


def pending_approval():
    """Return the verified accounts waiting for approval, oldest first."""
    return list(Account.select(Account, Person).join(Person)
                .where(Account.state == "pending_approval").order_by(Account.created_at))


def unconfirmed(limit=200):
    """Return accounts whose address was never confirmed, oldest first."""
    return list(Account.select(Account, Person).join(Person)
                .where(Account.email_verified_at.is_null()).order_by(Account.created_at).limit(limit))


def approve(account, by):
    """Let a pending member in, and tell them."""
    with database.atomic():
        Account.update(state="active").where(Account.id == account.id, Account.state == "pending_approval").execute()
        audit.record("member_approved", account.person, actor=by)
        send_mail(account.person.email, "member_approved", _l("Your membership is approved"),
                  person=account.person, link=external_url("accounts.login"))


def reject(account, reason, by):
    """Turn a pending sign-up down with a reason: the account is removed, the person told."""
    with database.atomic():
        person = account.person
        email, language = person.email, person.language
        audit.record("member_rejected", person, detail="reason given", actor=by)
        end_sessions(account, reason="rejected")
        account.delete_instance()
        keep = person.consent_events.exists()  # a subscriber stays a subscriber
        if not keep:
            erase_person(person, by="rejection", notify=False)
        send_mail(email, "member_rejected", _l("Your membership application"), person=person if keep else None,
                  language=language, reason=reason, purge_after_sending=not keep)


def suspend(account, reason, by):
    """Suspend an account: its sessions end at once and the person is told why."""
    with database.atomic():
        Account.update(state="suspended").where(Account.id == account.id).execute()
        end_sessions(account, reason="suspended")
        audit.record("account_suspended", account.person, detail="reason given", actor=by)
        send_mail(account.person.email, "account_suspended", _l("Your account is suspended"),
                  person=account.person, reason=reason)


def reinstate(account, reason, by):
    """Reinstate a suspended account and tell the person."""
    with database.atomic():
        Account.update(state="active").where(Account.id == account.id, Account.state == "suspended").execute()
        audit.record("account_reinstated", account.person, detail="reason given", actor=by)
        send_mail(account.person.email, "account_reinstated", _l("Your account is active again"),
                  person=account.person, reason=reason, link=external_url("accounts.login"))


def delete_as_spam(accounts, by):
    """Delete unconfirmed sign-ups marked as spam; return how many went.

    Only accounts never confirmed are touched, and their person only when
    nothing else (a consent, a purchase) is attached to it.
    """
    removed = 0
    with database.atomic():
        for account in accounts:
            if account.email_verified_at is not None:
                continue
            person = account.person
            account.delete_instance()
            if not person.consent_events.exists():
                erase_person(person, by="spam", notify=False)
            audit.record("signup_deleted_as_spam", person.id, actor=by)
            removed += 1
    return removed


def block_domain(domain, reason, by):
    """Block sign-ups from a domain."""
    domain = domain.strip().lower().lstrip("@")
    BlockedDomain.insert(domain=domain, reason=reason, blocked_by=by.id, created_at=clock.now()) \
        .on_conflict_ignore().execute()
    audit.record("domain_blocked", None, detail=domain[:200], actor=by)


def unblock_domain(domain_id, by):
    """Allow sign-ups from a domain again."""
    row = BlockedDomain.get_or_none(BlockedDomain.id == domain_id)
    if row is not None:
        row.delete_instance()
        audit.record("domain_unblocked", None, detail=row.domain, actor=by)


def blocked_domains():
    """Return the blocked domains, alphabetically."""
    return list(BlockedDomain.select().order_by(BlockedDomain.domain))
