"""Languages: Finnish by default, English complete, the visitor's choice kept.

The language is the signed-in person's own, else the one chosen with the
switch (kept in the session cookie), else Finnish.
"""
from flask import has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime

from . import translate
from .register import current_language
from .translate import LANGUAGE_NAMES, LANGUAGES
from .web import me

babel = Babel()


def select_locale():
    """Return the language for this request (Finnish outside requests)."""
    if not has_request_context():
        return "fi"
    if me().is_authenticated:
        return me().person.language
    asked = request.args.get("lang")  # ?lang=en on a link or an embedded form
    if asked in LANGUAGES:
        return asked
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "fi"


def init_app(app):
    """Set up Flask-Babel and the language names and date filters of the templates."""
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    translate.init_app(app)

    @app.context_processor
    def _languages():
        return {"language_names": LANGUAGE_NAMES, "page_language": current_language()}

    app.jinja_env.filters["datetime"] = lambda value: format_datetime(value, "short") if value else ""
    app.jinja_env.filters["date"] = lambda value: format_date(value, "medium") if value else ""
