"""Newsletter verbs: subscribe with double opt-in, confirm, preferences, unsubscribe.

A form submission becomes a `PendingSignup` and a confirmation email; nothing
is granted until the link is opened and its button pressed. Marketing mail
goes out only through `send_marketing`, which asks `consents.audience.reachable_for`
and adds the RFC 8058 unsubscribe headers and the preferences link.
"""
import datetime as dt
import json
import secrets

from peewee import IntegrityError

from .. import clock
from ..accounts.models import Account, EmailToken, digest
from ..consents import service as consents
from ..consents.audience import is_reachable
from ..consents.models import ConsentEvent
from ..db import database
from ..mail.service import decide_later, external_url, send_mail
from ..people.models import Person
from ..register import get_register
from ..register.versions import current_label
from ..relationship.models import Interaction
from ..translate import lazy_gettext as _l
from . import links
from .models import PendingSignup

CONFIRM_LIFETIME = dt.timedelta(hours=72)
UNCONFIRMED_KEPT = dt.timedelta(days=7)
RESEND_AFTER = dt.timedelta(minutes=10)  # a grant pressed again within this sends no second mail


def form_grants(form, optional, language):
    """Return the grants a form submission asks for, each with its wording's hash."""
    grants = [{"purpose": p, "wording": consents.wording(form.consent_text[language], language)}
              for p in form.purposes]
    grants += [{"purpose": p, "wording": consents.consent_wording(p, language)}
               for p in form.optional_purposes if p in optional]
    return grants


def request_confirmation(email, name, language, grants, source_kind, source):
    """Store the grants as pending and mail the confirmation link (72 h)."""
    raw = secrets.token_urlsafe(32)
    with database.atomic():
        PendingSignup.create(
            email=email, name=name or "", language=language, source_kind=source_kind, source=source,
            grants=json.dumps(grants), notice_version=current_label(),
            network=consents.network_hint(), token_hash=digest(raw),
            expires_at=clock.now() + CONFIRM_LIFETIME)
        purposes = [get_register().purposes[g["purpose"]].text("title", language) for g in grants]
        send_mail(email, "subscribe_confirm", _l("Confirm your subscription"), language=language,
                  link=external_url("newsletter.confirm", token=raw), purposes=purposes)


def subscribe(form, email, name, optional, language):
    """Handle a sign-up form: the same answer and the same mail for known and new addresses."""
    request_confirmation(email, name, language, form_grants(form, optional, language), "form", form.key)


def peek_pending(raw):
    """Return the unexpired pending sign-up behind a confirmation link, or None."""
    if not raw or len(raw) > 100:
        return None
    return PendingSignup.get_or_none(PendingSignup.token_hash == digest(raw),
                                     PendingSignup.expires_at > clock.now())


def pending_titles(pending):
    """Return the titles of what a pending sign-up asks for, in the current language."""
    purposes = get_register().purposes
    return [purposes[g["purpose"]].text("title") for g in json.loads(pending.grants) if g["purpose"] in purposes]


def confirm(raw):
    """Confirm a pending sign-up: grant its purposes; return (person, form) or (None, None).

    Attaches to the existing person with that address, never a duplicate. This
    is the one way an address on the suppression list comes off it.
    """
    with database.atomic():
        pending = peek_pending(raw)
        if pending is None or not PendingSignup.delete().where(PendingSignup.id == pending.id).execute():
            return None, None
        person = _person_for(pending)
        now = clock.now()
        consents.lift_suppression(person.email)
        for item in json.loads(pending.grants):
            consents.grant(person, item["purpose"], pending.source_kind, pending.source, item["wording"],
                           confirmed_at=now, network=pending.network, notice_version=pending.notice_version)
        form = get_register().forms.get(pending.source) if pending.source_kind == "form" else None
        if form is not None:
            _welcome(person, form)
    return person, form


def _person_for(pending):
    """Return the person with the pending address, creating a subscriber if there is none."""
    register = get_register()
    form = register.forms.get(pending.source)
    person = Person.get_or_none(Person.email == pending.email)
    if person is None:
        try:
            with database.atomic():
                person = Person.create(email=pending.email, name=pending.name, language=pending.language,
                                       source=form.source if form else pending.source, status="subscriber")
        except IntegrityError:  # confirmed twice at the same moment: use the other one's row
            person = Person.get(Person.email == pending.email)
    changes = {}
    if person.status == "prospect":
        changes["status"] = "subscriber"
    if not person.name and pending.name:
        changes.update(Person.name_fields(pending.name))
    if changes:
        Person.update(updated_at=clock.now(), **changes).where(Person.id == person.id).execute()
        for key, value in changes.items():
            setattr(person, key, value)
    return person


def _welcome(person, form):
    """Send the welcome message of a form, with its material link where it has one."""
    material_link = material_url(person, form) if form.get("material_file") else None
    sent = send_marketing(person, form.purposes[0], "newsletter_welcome", _l("Welcome!"),
                          form_title=form.text("title", person.language), material_link=material_link,
                          material_title=form.text("material_title", person.language) if material_link else None)
    if sent is not None and material_link:
        Interaction.create(person=person, kind="free_material_sent", detail=form.material_file[:200])


def material_url(person, form):
    """Return the 7-day download link of a form's material for `person`."""
    return external_url("newsletter.material", token=links.material_token(person, form.key))


def marketing_links(person, purpose):
    """Return the unsubscribe and preferences links of a marketing message."""
    return (external_url("newsletter.unsubscribe", token=links.unsubscribe_token(person, purpose)),
            external_url("newsletter.preferences", token=links.preferences_token(person)))


def send_marketing(person, purpose, template, subject, similar_products=False, **context):
    """Queue a marketing message if `person` is reachable for `purpose`; return the row or None.

    It carries `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058) and
    the preferences link; transactional mail goes through `send_mail` alone.
    A message about the controller's own similar products (`similar_products`)
    also reaches customers under their soft opt-in; its unsubscribe link is
    their refusal.
    """
    if not is_reachable(person, purpose, similar_products):
        return None
    unsubscribe, preferences = marketing_links(person, purpose)
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return send_mail(person.email, template, subject, person=person, headers=headers,
                     unsubscribe_link=unsubscribe, preferences_link=preferences, **context)


def send_preferences_link(email, language):
    """Queue the preferences link for the worker to decide on: the same row for every address."""
    decide_later(email, "preferences_link", language)


def decide_preferences_link(email, language):
    """(Worker) Mail the preferences link to an address in the register; nothing to others."""
    person = Person.get_or_none(Person.email == email)
    if person is None:
        return
    send_mail(person.email, "preferences_link", _l("Your email preferences"), person=person,
              link=external_url("newsletter.preferences", token=links.preferences_token(person)))


def change(person, purpose, action, source_kind, source, language, reason=None, double_opt_in=False):
    """Apply one change from a preferences or consent page.

    Return 'done', 'unchanged', 'confirm' (the address is on the suppression
    list) or 'confirm_sent' (`double_opt_in`). A grant for a listed address,
    and any grant with `double_opt_in` (the preferences page, which a link
    opens without login), is not applied at once: it waits for the emailed
    confirmation link, like a form sign-up. Withdrawals apply at once.
    """
    definition = get_register().purposes[purpose]
    with database.atomic():
        if action == "grant":
            sha = consents.consent_wording(purpose, language)
            suppressed = consents.is_suppressed(person.email)
            if suppressed or double_opt_in:
                if consents.states(person).get(purpose) == "granted":
                    return "unchanged"
                if not _just_asked(person.email, purpose, source):
                    request_confirmation(person.email, person.name, language,
                                         [{"purpose": purpose, "wording": sha}], source_kind, source)
                return "confirm" if suppressed else "confirm_sent"
            event = consents.grant(person, purpose, source_kind, source, sha)
        elif action == "withdraw":
            sha = consents.wording(definition.if_withdrawn[language], language)
            event = consents.withdraw(person, purpose, source_kind, source, sha)
        elif action == "object":
            sha = consents.wording(definition.if_withdrawn[language], language)
            event = consents.object_to(person, purpose, source_kind, source, reason=reason, wording_sha=sha)
        elif action == "lift":
            event = consents.lift_objection(person, purpose, source_kind, source)
        else:
            raise ValueError(action)
    return "done" if event is not None else "unchanged"


def _just_asked(email, purpose, source):
    """Return True if the same page mailed a confirmation of `purpose` to `email` a moment ago."""
    recent = PendingSignup.select(PendingSignup.grants).where(
        PendingSignup.email == email, PendingSignup.source == source,
        PendingSignup.created_at > clock.now() - RESEND_AFTER, PendingSignup.expires_at > clock.now())
    return any(g["purpose"] == purpose for row in recent for g in json.loads(row.grants))


def unsubscribe(person, purpose, source, text, language):
    """Stop mail for one purpose at once: withdraw a consent or object to an interest.

    `text` is what the person acted on: the page's question, or for a
    one-click POST from a mail program the RFC 8058 request itself.
    """
    definition = get_register().purposes.get(purpose)
    if definition is None:
        return
    with database.atomic():
        sha = consents.wording(text, language)
        if definition.basis == "consent":
            consents.withdraw(person, purpose, "link", source, sha)
        elif definition.basis == "legitimate_interest":
            consents.object_to(person, purpose, "link", source, wording_sha=sha)


def purge_unconfirmed(now=None):
    """Remove sign-ups and accounts left unconfirmed for 7 days; return how many of each."""
    cutoff = (now or clock.now()) - UNCONFIRMED_KEPT
    with database.atomic():
        signups = PendingSignup.delete().where(PendingSignup.created_at < cutoff).execute()
        stale = list(Account.select(Account, Person).join(Person)
                     .where(Account.email_verified_at.is_null(), Account.created_at < cutoff))
        for account in stale:
            person = account.person
            account.delete_instance()
            if not ConsentEvent.select().where(ConsentEvent.person == person).exists():
                EmailToken.delete().where(EmailToken.person == person).execute()
                person.delete_instance(recursive=True)
    return signups, len(stale)
