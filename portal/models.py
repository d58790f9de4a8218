"""MODELS: every table of the portal, in dependency order. No classes live here.

Migrations are checked against this list, and the privacy tests walk it to
prove that every table holding personal data is accounted for.
"""
from .accounts.models import Account, EmailToken, LoginSession, Person
from .mail.models import OutboxMessage

MODELS = [Person, Account, LoginSession, EmailToken, OutboxMessage]
