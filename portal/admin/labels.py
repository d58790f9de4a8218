"""Words for the codes staff pages show: relationship, account state, role, request kind and state."""
from ..translate import lazy_gettext as _l

LABELS = {
    "prospect": _l("prospect"), "subscriber": _l("subscriber"), "member": _l("member"), "customer": _l("customer"),
    "active": _l("active"), "pending_approval": _l("waiting for approval"), "suspended": _l("suspended"),
    "moderator": _l("moderator"), "admin": _l("admin"),
    "access": _l("access"), "portability": _l("portability"), "rectification": _l("rectification"),
    "erasure": _l("erasure"), "restriction": _l("restriction"), "objection": _l("objection"),
    "unverified": _l("unverified"), "open": _l("open"), "answered": _l("answered"), "closed": _l("closed"),
    "web": _l("web form"), "email": _l("email"), "letter": _l("letter"),
    "granted": _l("granted"), "withdrawn": _l("withdrawn"), "objected": _l("objected"),
    "pending": _l("pending"), "paid": _l("paid"), "cancelled": _l("cancelled"),
    "appointment": _l("appointment"), "visit": _l("visit"), "message": _l("message"), "action": _l("action"),
    "free_material_sent": _l("free material sent"), "quality": _l("quality-control note"),
    "customer_email": _l("email from the customer"), "consented": _l("other data collected with permission"),
    "none": _l("unlikely risk"), "risk": _l("risk"), "high": _l("high risk"),
}


def label(code):
    """Return the words for a code, or the code itself when it has none."""
    return LABELS.get(code, code)
