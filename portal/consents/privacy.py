"""The ledger's share of a person's data: consents, their full history, suppression."""
from peewee import JOIN

from ..personal_data import Field, Table, when
from ..translate import lazy_gettext as _l
from .labels import action_text, purpose_title
from .models import Consent, ConsentEvent, ConsentEventPermit, ConsentWording, Suppression
from .service import is_suppressed, suppress

COVERS = {
    Consent: "exported",
    ConsentEvent: "exported, with the wording shown",
    ConsentWording: "not personal: the texts shown beside consent controls",
    Suppression: "exported as yes/no: only a keyed hash is kept, never the address",
    ConsentEventPermit: "not personal: empty outside the retention job's transaction",
}


def _consents(person):
    for c in Consent.select().where(Consent.person == person).order_by(Consent.purpose):
        yield {"purpose": c.purpose, "state": c.state, "since": c.updated_at}


def _events(person):
    for e in (ConsentEvent.select(ConsentEvent, ConsentWording).join(ConsentWording, JOIN.LEFT_OUTER)
              .where(ConsentEvent.person == person).order_by(ConsentEvent.occurred_at, ConsentEvent.id).iterator()):
        yield {"time": e.occurred_at, "purpose": e.purpose, "action": e.action, "basis": e.basis,
               "source_kind": e.source_kind, "source": e.source, "wording_sha256": e.wording_id,
               "wording": e.wording.text if e.wording_id else None, "notice_version": e.notice_version,
               "confirmed_at": e.confirmed_at, "network": e.network, "reason": e.reason}


TABLES = [
    Table("consents", _l("Your consents and objections now"), [
        Field("purpose", _l("Purpose (see the privacy notice)")),
        Field("state", _l("granted, withdrawn or objected, or customer: as our customer you may get offers "
                          "of products similar to what you bought until you refuse")),
        Field("since", _l("Since when"), "datetime"),
    ], _consents),
    Table("consent_events", _l("Every consent, withdrawal and objection, oldest first"), [
        Field("time", _l("When (UTC)"), "datetime"), Field("purpose", _l("Purpose")),
        Field("action", _l("granted, withdrawn or objected")),
        Field("basis", _l("Legal basis of the purpose, or soft_opt_in: offers of similar products to a "
                          "customer (Information Society Code 917/2014, section 200)")),
        Field("source_kind", _l("How: form, sign-up, page, link in an email, import or staff")),
        Field("source", _l("Which form, page or link")),
        Field("wording_sha256", _l("SHA-256 of the exact text you were shown"), nullable=True),
        Field("wording", _l("The exact text you were shown"), nullable=True),
        Field("notice_version", _l("Version of the privacy notice in force")),
        Field("confirmed_at", _l("When you confirmed by email (double opt-in)"), "datetime", nullable=True),
        Field("network", _l("Network (the first three parts of the IP address only)")),
        Field("reason", _l("The reason you gave"), nullable=True),
    ], _events, shows={
        "consent_records": lambda r: f"{when(r['time'])}: {action_text(r['basis'], r['action'])}: "
                                     f"{purpose_title(r['purpose'])}",
    }),
    Table("suppression", _l("Whether your address is on our do-not-contact list"), [
        Field("suppressed", _l("true: marketing to this address is blocked until you opt in again"),
              type="boolean"),
    ], lambda person: [{"suppressed": is_suppressed(person.email)}]),
]


def erase(person):
    """Remove the consent states and list the address so it is not re-added.

    The events go with the person row (ON DELETE CASCADE), the only delete the
    ledger's triggers allow.
    """
    Consent.delete().where(Consent.person == person).execute()
    suppress(person.email, "erased")
