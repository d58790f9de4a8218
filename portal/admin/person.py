"""What a person's page shows staff: everything the register holds about them, in one place."""
from ..accounts.models import LoginSession
from ..appointments.service import appointments_of
from ..audit.models import AuditEntry
from ..consents.service import history, states
from ..guardians.service import guardian_of
from ..moderation.forms import ReasonForm
from ..orders.forms import BuyForm
from ..orders.models import Product
from ..orders.service import orders_of
from ..register import get_register
from ..relationship.forms import log_form
from ..relationship.models import Interaction
from ..rights.models import DataRequest, Restriction
from ..staff.access import may_act_on

TRAIL = 100  # audit entries shown, newest first


def page_context(person, viewer):
    """Return the person's page: account, consents, sessions, requests, log, orders, appointments, trail."""
    account = person.accounts.first()
    keeps_appointments = any("appointments" in c.fields for c in get_register().categories.values())
    return dict(
        person=person, account=account, states=states(person), history=history(person),
        guardian=guardian_of(person),
        sessions=list(LoginSession.select().where(LoginSession.account == account)) if account else [],
        requests=list(DataRequest.select().where(DataRequest.person == person).order_by(DataRequest.id.desc())),
        restriction=Restriction.select().where(Restriction.person == person, Restriction.lifted_at.is_null()).first(),
        log=list(Interaction.select().where(Interaction.person == person).order_by(Interaction.occurred_at.desc())),
        trail=list(AuditEntry.select().where(AuditEntry.person_id == person.id)
                   .order_by(AuditEntry.id.desc()).limit(TRAIL)),
        may_end_sessions=account is None or may_act_on(viewer, account),
        log_form=log_form(), reason_form=ReasonForm(),
        orders=list(orders_of(person)), products=list(Product.for_sale()), buy_form=BuyForm(),
        keeps_appointments=keeps_appointments,
        appointments=appointments_of(person, "appointment"), visits=appointments_of(person, "visit"))
