"""MODELS: every table of the portal, in dependency order. No classes live here.

Migrations are checked against this list, and the privacy tests walk it to
prove that every table holding personal data is accounted for.
"""
from .accounts.models import Account, EmailToken, LoginSession, Person
from .consents.models import Consent, ConsentEvent, ConsentWording, Suppression
from .mail.models import OutboxMessage
from .newsletter.models import PendingSignup
from .relationship.models import Interaction

MODELS = [Person, Account, LoginSession, EmailToken, OutboxMessage,
          ConsentWording, ConsentEvent, Consent, Suppression, PendingSignup, Interaction]
