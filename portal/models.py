"""MODELS: every table of the portal, in dependency order. No classes live here.

Migrations are checked against this list, and the privacy tests walk it to
prove that every table holding personal data is accounted for.
"""
from .accounts.models import Account, EmailToken, LoginSession
from .appointments.models import Appointment
from .audit.models import AuditEntry
from .breaches.models import Breach, BreachNotice
from .consents.models import Consent, ConsentEvent, ConsentEventPermit, ConsentWording, Suppression
from .guardians.models import Guardian
from .mail.models import OutboxMessage
from .newsletter.models import PendingSignup
from .orders.models import BillingDetails, Invoice, InvoiceCounter, Order, OrderLine, PaymentEvent, Product
from .people.models import BlockedDomain, Person
from .processors.models import ProcessorExport, ProcessorExportMember
from .register.versions import NoticeVersion
from .relationship.models import Interaction
from .rights.models import DataRequest, Restriction
from .staff.models import RecoveryCode

MODELS = [Person, Account, LoginSession, EmailToken, OutboxMessage,
          ConsentWording, ConsentEvent, Consent, Suppression, PendingSignup, Interaction,
          AuditEntry, Restriction, DataRequest, NoticeVersion,
          RecoveryCode, BlockedDomain, ProcessorExport, ProcessorExportMember, Breach, BreachNotice,
          # migration 0005
          Product, Order, OrderLine, BillingDetails, Invoice, InvoiceCounter, PaymentEvent, Appointment,
          ConsentEventPermit,
          # migration 0011
          Guardian]
