"""Translation lookups for Python code and templates, with one lookup per locale.

Flask-Babel's own `gettext` resolves the domain, the locale and its catalogue
on every call, about 30 µs each; a page makes dozens. These functions keep
the catalogue per language and ask only for the current locale, which
`force_locale` (mail in the recipient's language) still changes.
"""
from babel.support import NullTranslations
from flask import g
from flask_babel import LazyString, get_locale, get_translations
from markupsafe import Markup

LANGUAGES = ("fi", "en")
LANGUAGE_NAMES = {"fi": "Suomi", "en": "English"}  # each in its own language
_catalogues = {}


def translations():
    """Return the catalogue of the current locale (a null one outside requests).

    It is kept in Flask-Babel's per-request slot `babel_translations`, which
    `force_locale` empties on entry and restores on exit.
    """
    try:
        catalogue = g._flask_babel.babel_translations
    except (AttributeError, RuntimeError):
        catalogue = None
    if catalogue is not None:
        return catalogue
    locale = get_locale()
    if locale is None:
        return NullTranslations()
    key = str(locale) if locale.territory else locale.language
    catalogue = _catalogues.get(key)
    if catalogue is None:
        catalogue = _catalogues[key] = get_translations()
    g._flask_babel.babel_translations = catalogue
    return catalogue


def gettext(string, **variables):
    """Translate `string` and fill in `variables` (%(name)s)."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    """Translate with a plural form chosen by `num` (available as %(num)d)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string, **variables):
    """Return a string translated when it is shown, in the language of that moment."""
    return LazyString(gettext, string, **variables)


def template_gettext(string, **variables):
    """`_()` in templates: the translation is markup, the variables are escaped.

    The same contract as Jinja's new-style gettext, without its three layers
    of context calls (about 15 µs on every `_()`).
    """
    text = Markup(translations().ugettext(string))
    return text % variables if variables else text


def init_app(app):
    """Make templates use the same lookups."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True)
    app.jinja_env.globals["_"] = template_gettext
