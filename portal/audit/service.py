"""Writing the audit log: one append-only entry per action on personal data (AC-06, LOG-04)."""
from flask import has_request_context, request

from ..logs import coarse_network
from ..web import me
from .models import AuditEntry


def record(action, person=None, detail="", actor=None):
    """Append an audit entry; `detail` must not contain personal data."""
    if actor is None and has_request_context() and me().is_authenticated:
        actor = me()
    person_id = person if isinstance(person, int) or person is None else person.id
    return AuditEntry.create(
        actor_id=actor.id if actor is not None else None, actor_role=actor.role if actor is not None else "",
        person_id=person_id, action=action, detail=detail[:200],
        network=coarse_network(request.remote_addr) if has_request_context() else "")
