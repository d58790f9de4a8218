"""The shape of a register definition and the checks that enforce it.

A definition is TOML. `validate(data)` returns a list of problems, each naming
the field (`purposes[2].basis`) and what is wrong with it; an empty list means
the definition is valid. Nothing here knows about Flask or the database.
"""
import datetime as dt
import re

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LEGAL_BASES = ("consent", "contract", "legitimate_interest", "legal_obligation")
RECIPIENT_KINDS = ("processor", "recipient")
TRANSFERS = ("none", "adequacy", "scc")
COOKIE_CATEGORIES = ("necessary", "preferences", "statistics", "marketing")
RIGHTS_CHANNELS = ("web", "email", "letter")
RETENTION_ANCHORS = ("collected", "withdrawn", "contract_end", "account_closed",
                     "financial_year_end", "last_activity", "sent")
RETENTION = re.compile(
    r"^(?:until_withdrawn|while_account_active"
    r"|(?P<n>\d{1,4}) (?P<unit>days|months|years)"
    r"|(?P<anchor>[a-z_]+) \+ (?P<n2>\d{1,4}) (?P<unit2>days|months|years))$")


class Field:
    """One expected key: a checker plus whether it must be present."""

    def __init__(self, check, required=True, default=None):
        self.check, self.required, self.default = check, required, default


def text(value):
    """Check a translated text: a table with non-empty `fi` and `en`."""
    if not isinstance(value, dict):
        return "must be a table with fi and en texts, e.g. { fi = \"…\", en = \"…\" }"
    missing = [lang for lang in ("fi", "en") if not isinstance(value.get(lang), str) or not value[lang].strip()]
    if missing:
        return f"needs a non-empty text in {' and '.join(missing)}"
    extra = sorted(set(value) - {"fi", "en"})
    if extra:
        return f"has unknown language(s) {', '.join(extra)}; use fi and en"
    return None


def string(value):
    """Check a non-empty string."""
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def slug(value):
    """Check a key: lowercase letters, digits and underscores."""
    return None if isinstance(value, str) and SLUG.match(value) else \
        "must be a key of lowercase letters, digits and _ (starting with a letter)"


def email(value):
    """Check an email address."""
    return None if isinstance(value, str) and EMAIL.match(value) else "must be an email address"


def boolean(value):
    """Check true or false."""
    return None if isinstance(value, bool) else "must be true or false"


def date(value):
    """Check a TOML date (2025-12-21)."""
    return None if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else \
        "must be a date written as 2025-12-21"


def one_of(*choices):
    """Check a value against a fixed set of choices."""
    def check(value):
        return None if value in choices else f"must be one of {', '.join(choices)} (got {value!r})"
    return check


def int_between(low, high):
    """Check a whole number in [low, high]."""
    def check(value):
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be a whole number from {low} to {high}"
    return check


def list_of(check, allow_empty=False):
    """Check a list whose every item passes `check`."""
    def check_list(value):
        if not isinstance(value, list) or (not value and not allow_empty):
            return "must be a list" + ("" if allow_empty else " with at least one item")
        for index, item in enumerate(value):
            problem = check(item)
            if problem:
                return f"item {index + 1} {problem}"
        return None
    return check_list


def retention(value):
    """Check a retention rule such as `until_withdrawn` or `contract_end + 6 years`."""
    if not isinstance(value, str):
        return "must be a retention rule string"
    match = RETENTION.match(value.strip())
    if not match:
        return ("must be until_withdrawn, while_account_active, 'N days|months|years' "
                f"or '<anchor> + N days|months|years' (got {value!r})")
    if match.group("anchor") and match.group("anchor") not in RETENTION_ANCHORS:
        return f"anchor must be one of {', '.join(RETENTION_ANCHORS)} (got {match.group('anchor')!r})"
    return None


def origin(value):
    """Check a web origin such as https://www.example.fi (scheme, host, optional port)."""
    if isinstance(value, str) and re.match(r"^https?://[a-z0-9.-]+(:\d{1,5})?$", value):
        return None
    return "must be an origin such as https://www.example.fi (no path, no trailing slash)"


def month_day(value):
    """Check a month and day written MM-DD."""
    if isinstance(value, str) and re.match(r"^\d\d-\d\d$", value):
        try:
            dt.date(2001, int(value[:2]), int(value[3:]))
            return None
        except ValueError:
            pass
    return "must be a month and day written MM-DD, e.g. 12-31"


SECTIONS = {
    "register": {
        "key": Field(slug),
        "site_name": Field(string),
        "name": Field(text),
        "notice_version": Field(string),
        "website": Field(string, required=False),
        # For the record of processing activities (Art. 30) and the notice.
        "data_subjects": Field(text),
        "security": Field(text),
    },
    "controller": {
        "name": Field(string),
        "business_id": Field(string, required=False),
        "address": Field(string),
        "email": Field(email, required=False),
        "phone": Field(string, required=False),
    },
    "contact_person": {
        "name": Field(string),
        "email": Field(email, required=False),
        "phone": Field(string, required=False),
        "address": Field(string, required=False),
    },
    "membership": {
        "requires_approval": Field(boolean), "guardians": Field(boolean, required=False, default=False),
        "minimum_age": Field(int_between(13, 18), required=False, default=13),
    },
    "rights": {
        "channels": Field(list_of(one_of(*RIGHTS_CHANNELS))),
        "email": Field(email, required=False),
        "note": Field(text, required=False),
    },
    "accounting": {
        "financial_year_end": Field(month_day, required=False, default="12-31"),
    },
}

TABLES = {
    "purposes": {
        "key": Field(slug),
        "basis": Field(one_of(*LEGAL_BASES)),
        "title": Field(text),
        "description": Field(text),
        "if_withdrawn": Field(text, required=False),
        # The exact sentence shown beside the control that grants this consent; its
        # SHA-256 goes into every consent event as proof of what the person saw.
        "consent_text": Field(text, required=False),
        "direct_marketing": Field(boolean, required=False, default=False),
        # Customers may get marketing of the controller's own similar products under
        # this purpose without consent unless they refuse (917/2014 §200(2)). The
        # refusal box at purchase shows `soft_opt_in_text`, unticked.
        "soft_opt_in": Field(boolean, required=False, default=False),
        "soft_opt_in_text": Field(text, required=False),
    },
    "categories": {
        "key": Field(slug),
        "title": Field(text),
        "description": Field(text, required=False),
        "fields": Field(list_of(slug)),
        "purposes": Field(list_of(slug)),
        "sources": Field(list_of(slug)),
        "retention": Field(retention),
        "retention_text": Field(text),
        "optional": Field(boolean, required=False, default=False),
    },
    "recipients": {
        "key": Field(slug),
        "name": Field(string),
        "kind": Field(one_of(*RECIPIENT_KINDS)),
        "service": Field(text),
        "location": Field(string),
        "transfer": Field(one_of(*TRANSFERS)),
        "fields": Field(list_of(slug)),
        "purposes": Field(list_of(slug)),
        "note": Field(text, required=False),
    },
    "sources": {
        "key": Field(slug),
        "title": Field(text),
    },
    "cookies": {
        "name": Field(string),
        "category": Field(one_of(*COOKIE_CATEGORIES)),
        "purpose": Field(text),
        "lifetime": Field(text),
    },
    "forms": {
        "key": Field(slug),
        "title": Field(text),
        "description": Field(text),
        # What submitting the form grants, stated above its button (the proof wording).
        "consent_text": Field(text),
        "purposes": Field(list_of(slug)),
        # Offered as separate, unticked boxes.
        "optional_purposes": Field(list_of(slug, allow_empty=True), required=False, default=[]),
        "source": Field(slug),
        "material_file": Field(string, required=False),
        "material_title": Field(text, required=False),
        # Other sites that may show the form in an iframe or post to it.
        "allowed_origins": Field(list_of(origin, allow_empty=True), required=False, default=[]),
    },
    "changes": {
        "version": Field(string),
        "date": Field(date),
        "summary": Field(text),
    },
}

OPTIONAL_SECTIONS = {"accounting"}
OPTIONAL_TABLES = {"cookies", "forms"}


def validate(data):
    """Return the problems of a parsed definition as 'field: message' strings."""
    problems = []
    known = set(SECTIONS) | set(TABLES)
    for name in sorted(set(data) - known):
        problems.append(f"{name}: unknown section (expected one of {', '.join(sorted(known))})")
    for name, fields in SECTIONS.items():
        if name not in data:
            if name not in OPTIONAL_SECTIONS:
                problems.append(f"{name}: section is missing")
            continue
        if not isinstance(data[name], dict):
            problems.append(f"{name}: must be a [{name}] table")
            continue
        problems.extend(_check_entry(name, data[name], fields))
    for name, fields in TABLES.items():
        entries = data.get(name)
        if entries is None:
            if name not in OPTIONAL_TABLES:
                problems.append(f"{name}: at least one [[{name}]] entry is required")
            continue
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(f"{name}: must be written as [[{name}]] tables")
            continue
        for index, entry in enumerate(entries):
            problems.extend(_check_entry(f"{name}[{index}]", entry, fields))
        problems.extend(_check_unique(name, entries))
    if not problems:
        from .checks import check_references
        problems.extend(check_references(data))
    return problems


def _check_entry(where, entry, fields):
    problems = []
    for key in sorted(set(entry) - set(fields)):
        problems.append(f"{where}.{key}: unknown field (expected one of {', '.join(fields)})")
    for key, field in fields.items():
        if key not in entry:
            if field.required:
                problems.append(f"{where}.{key}: is required")
            continue
        problem = field.check(entry[key])
        if problem:
            problems.append(f"{where}.{key}: {problem}")
    return problems


def _check_unique(name, entries):
    key = "name" if name == "cookies" else "version" if name == "changes" else "key"
    seen, problems = set(), []
    for index, entry in enumerate(entries):
        value = entry.get(key)
        if value in seen:
            problems.append(f"{name}[{index}].{key}: {value!r} is used twice")
        seen.add(value)
    return problems
