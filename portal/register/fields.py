"""The field keys a register definition may name, and what each is called.

A data category lists field keys ("email", "orders", ...); the privacy notice
names the fields each recipient gets, and "My data" shows each field's values.
The loader refuses a definition that names a key this list does not know.
"""
from ..translate import lazy_gettext as _l

FIELD_NAMES = {
    "name": _l("name"), "first_name": _l("first name"), "email": _l("email address"),
    "phone": _l("phone number"), "address": _l("postal address"), "language": _l("language"),
    "consent_records": _l("consent records"), "username": _l("username"),
    "password_hash": _l("password hash"), "login_sessions": _l("sign-in sessions"),
    "orders": _l("orders"), "order_lines": _l("order lines"), "billing_details": _l("billing details"),
    "invoices": _l("invoices"), "customer_messages": _l("customer messages"),
    "customer_actions": _l("customer actions"), "newsletter_opens": _l("newsletter opens"),
    "newsletter_clicks": _l("newsletter clicks"), "email_deliveries": _l("email delivery records"),
    "appointments": _l("appointments"), "visits": _l("visits"), "quality_records": _l("quality-control records"),
    "customer_emails": _l("emails you sent us"), "other_consented_data": _l("other data collected with permission"),
}


def field_name(key):
    """Return what field `key` is called, in the current language."""
    return str(FIELD_NAMES.get(key, key))


def field_names(keys):
    """Return the fields' names joined for reading ("email address, first name")."""
    return ", ".join(field_name(key) for key in keys)
