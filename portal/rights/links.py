"""The download link that answers an access or portability request by email.

It is a single-use email token (accounts/tokens.py): it works once, for 7 days;
a newer link voids the older ones, and the person can cancel it from the link's
own page or from /account/export. What a used-up link says is told apart here.
"""
from .. import audit, clock
from ..accounts.models import EmailToken, digest
from ..accounts.tokens import LIFETIMES, consume_token, issue_token, peek_token, void_tokens
from ..db import database

EXPORT_LINK_DAYS = LIFETIMES["export"].days


def export_token(person):
    """Issue the person's download link token (voiding their older ones); return it."""
    return issue_token(person, "export")


def peek_export(raw):
    """Return the person whose unused, unexpired download link this is, or None."""
    token = peek_token(raw, "export")
    return token.person if token is not None else None


def take_export(raw):
    """Use up a download link; return its person, or None if it cannot be used."""
    with database.atomic():
        token = consume_token(raw, "export")
        if token is None:
            return None
        audit.record("data_exported", token.person, detail="by request link")
    return token.person


def export_link_problem(raw):
    """Say why a download link does not work: 'used', 'replaced', 'expired' or 'invalid'."""
    token = EmailToken.get_or_none(EmailToken.token_hash == digest(raw or ""), EmailToken.purpose == "export") \
        if raw and len(raw) <= 100 else None
    if token is None:
        return "invalid"
    if token.used_at is None:
        return "expired"
    newer = EmailToken.select().where(EmailToken.person == token.person_id, EmailToken.purpose == "export",
                                      EmailToken.id > token.id)
    return "replaced" if newer.exists() else "used"


def open_export_links(person):
    """Return the person's download links that still work (their sending times), newest first."""
    return list(EmailToken.select().where(EmailToken.person == person, EmailToken.purpose == "export",
                                          EmailToken.used_at.is_null(), EmailToken.expires_at > clock.now())
                .order_by(EmailToken.id.desc()))


def cancel_export_links(person, by="the person"):
    """Void every download link of the person's export; return how many still worked."""
    with database.atomic():
        count = len(open_export_links(person))
        void_tokens(person, "export")
        if count:
            audit.record("export_link_cancelled", person, detail=f"by {by}: {count}")
    return count
