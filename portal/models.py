"""MODELS: every table of the portal, in dependency order. No classes live here.

Migrations are checked against this list, and the privacy tests walk it to
prove that every table holding personal data is accounted for.
"""
from .accounts.models import Account, EmailToken, LoginSession, Person
from .appointments.models import Appointment
from .audit.models import AuditEntry
from .consents.models import Consent, ConsentEvent, ConsentWording, Suppression
from .mail.models import OutboxMessage
from .newsletter.models import PendingSignup
from .notice.models import NoticeVersion
from .orders.models import BillingDetails, Invoice, InvoiceCounter, Order, OrderLine, PaymentEvent, Product
from .relationship.models import Interaction
from .retention.models import ConsentEventPermit
from .rights.models import DataRequest, Restriction

MODELS = [Person, Account, LoginSession, EmailToken, OutboxMessage,
          ConsentWording, ConsentEvent, Consent, Suppression, PendingSignup, Interaction,
          AuditEntry, Restriction, DataRequest, NoticeVersion,
          # migration 0005
          Product, Order, OrderLine, BillingDetails, Invoice, InvoiceCounter, PaymentEvent, Appointment,
          ConsentEventPermit]
