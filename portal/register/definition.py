"""The register definition: what the controller promises, read from TOML.

`load_register(path)` parses and validates a definition and returns a
`Register`; an invalid file stops start-up with a message naming the file and
the field. The privacy notice, consents, retention and exports read from it.
"""
import tomllib
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import get_locale

from ..config import ConfigError
from .schema import SECTIONS, TABLES, validate


class RegisterError(ConfigError):
    """The register definition cannot be used."""


class Entry(dict):
    """One entry of the definition; `entry.text('title')` picks the current language."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def text(self, name, lang=None):
        """Return the translated text `name` in `lang` or the current language."""
        value = self.get(name)
        if value is None:
            return ""
        return value[lang or current_language()]


@dataclass
class Register:
    """A validated register definition."""

    path: str
    source: str
    register: Entry
    controller: Entry
    contact_person: Entry
    membership: Entry
    rights: Entry
    accounting: Entry
    purposes: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    recipients: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    forms: dict = field(default_factory=dict)
    cookies: list = field(default_factory=list)
    changes: list = field(default_factory=list)

    @property
    def key(self):
        return self.register["key"]

    @property
    def requires_approval(self):
        return self.membership["requires_approval"]

    @property
    def minimum_age(self):
        return self.membership["minimum_age"]

    @property
    def notice_version(self):
        return self.register["notice_version"]

    def consent_purposes(self):
        """Return the purposes a person grants by consent, in definition order."""
        return self.purposes_with_basis("consent")

    def marketing_purposes(self):
        """Return the direct-marketing purposes (Art. 21(3): objection is absolute)."""
        return [p for p in self.purposes.values() if p.direct_marketing]

    def soft_opt_in_purposes(self):
        """Return the purposes customers may be offered similar products under (917/2014 §200(2))."""
        return [p for p in self.purposes.values() if p.soft_opt_in]

    def category_with_field(self, key):
        """Return the data category that lists field `key`, or None."""
        return next((c for c in self.categories.values() if key in c.fields), None)

    def purposes_with_basis(self, basis):
        """Return the purposes that rest on `basis`, in definition order."""
        return [p for p in self.purposes.values() if p.basis == basis]


def current_language():
    """Return 'fi' or 'en' for the request being served ('fi' outside one)."""
    try:
        locale = get_locale()
    except (RuntimeError, KeyError):
        locale = None
    return locale.language if locale is not None and locale.language in ("fi", "en") else "fi"


def load_register(path):
    """Parse and validate the definition at `path`; raise RegisterError."""
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
    except OSError as exc:
        raise RegisterError(f"register definition {path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise RegisterError(f"register definition {path}: not UTF-8 text.") from None
    return parse_register(text, path)


def parse_register(text, path):
    """Parse and validate a definition's TOML text (`path` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"register definition {path}: not valid TOML ({exc}).") from None
    problems = validate(data)
    if problems:
        listed = "\n  ".join(problems)
        raise RegisterError(f"register definition {path} is invalid:\n  {listed}")
    sections = {}
    for name, fields in SECTIONS.items():
        values = {key: spec.default for key, spec in fields.items() if spec.default is not None}
        values.update(data.get(name, {}))
        sections[name] = Entry(values)
    tables = {}
    for name, fields in TABLES.items():
        entries = []
        for raw in data.get(name, []):
            values = {key: spec.default for key, spec in fields.items() if spec.default is not None}
            values.update(raw)
            entries.append(Entry(values))
        tables[name] = entries
    keyed = {name: {e["key"]: e for e in tables[name]}
             for name in ("purposes", "categories", "recipients", "sources", "forms")}
    return Register(path=str(path), source=text, cookies=tables["cookies"], changes=tables["changes"],
                    **sections, **keyed)


def get_register():
    """Return the register definition of the running app."""
    return current_app.extensions["register"]
