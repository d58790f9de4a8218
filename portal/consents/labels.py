"""Words for the ledger: how an event is described on the consent pages."""
from ..register import get_register
from ..translate import gettext as _


def purpose_title(key):
    """Return the title of a purpose in the current language (the key if it is gone)."""
    purpose = get_register().purposes.get(key)
    return purpose.text("title") if purpose else key


def action_label(event):
    """Describe what an event did, in the words that fit its legal basis."""
    return action_text(event.basis, event.action)


def action_text(basis, action):
    """Describe an `action` (granted, withdrawn, objected) on a purpose resting on `basis`."""
    if basis == "soft_opt_in":
        return _("Offers of similar products allowed (as our customer)") if action == "granted" \
            else _("Offers of similar products refused")
    if basis == "legitimate_interest":
        return _("Objected") if action == "objected" else _("Objection withdrawn")
    return {"granted": _("Consent given"), "withdrawn": _("Consent withdrawn"),
            "objected": _("Marketing forbidden")}.get(action, action)


def source_label(event):
    """Describe where an event came from: which form, page, link, import or staff member."""
    kind, source = event.source_kind, event.source
    if kind == "form":
        form = get_register().forms.get(source)
        return _("form: %(title)s", title=form.text("title") if form else source)
    if kind == "signup":
        return _("sign-up form")
    if kind == "page":
        return _("My consents page")
    if kind == "link":
        return {"preferences": _("preferences page (link in an email)"),
                "one-click": _("one-click unsubscribe in an email"),
                "unsubscribe": _("unsubscribe page (link in an email)")}.get(source, _("link in an email"))
    if kind == "import":
        return _("imported from: %(source)s", source=source)
    if kind == "purchase":
        return _("your purchase")
    if kind == "staff":
        return _("recorded by our staff")
    return source


def outcome_message(outcome, action):
    """Return what the person is told after a change on a consent or preferences page."""
    if outcome == "confirm_sent":
        return _("We sent a confirmation link to your email. This is turned on when you open the link and "
                 "press its button.")
    if outcome == "confirm":
        return _("You earlier asked us to stop all marketing. To turn this back on, open the confirmation "
                 "link we just sent to your email.")
    if action == "grant":
        return _("Thank you: your consent is saved.")
    if action == "object":
        return _("Your objection is saved. We no longer process your data for this purpose.")
    if action == "lift":
        return _("Your objection is withdrawn.")
    return _("Done: your consent is withdrawn.")


def stop_all_text():
    """The words beside the "stop all marketing" button, stored as the proof of what was shown."""
    return _("Stop all marketing: no newsletters, marketing messages or free materials, and no "
             "use of my data for marketing.")
