"""What every response carries: security headers, error pages, access rules.

Headers follow SECURITY.md HDR-01..08. Access is denied by default (AC-01):
a view must say `@public` or require a login or role, or it answers 403.
"""
import logging
from functools import wraps

from flask import abort, g, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from .db import MAX_ID
from .htmx import is_partial_request
from .logs import auth_event
from .translate import lazy_gettext as _l

log = logging.getLogger("portal.web")
csrf = CSRFProtect()  # every POST carries its token; the few exempt views say why

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")

# Pages whose address carries a token (a `<token>` in the route). `same-origin`
# keeps the token from ever leaving for another origin in a Referer, yet lets
# the page's own forms send one: over https Flask-WTF refuses a POST without a
# same-origin Referer, so `no-referrer` broke every emailed link in production.
TOKEN_PAGE_REFERRER_POLICY = "same-origin"

ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the address or go to the front page.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too much data"), _l("What you sent is too large.")),
    422: (_l("Could not process"), _l("The information sent could not be processed. Go back and check the form.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a while and try again.")),
    500: (_l("Something went wrong"),
          _l("An error on our side stopped this page. Nothing was saved. Please try again in a moment.")),
}


def me():
    """Return the signed-in account (or flask-login's anonymous user): the one name code uses for it."""
    return current_user._get_current_object()


def public(view):
    """Mark a view as open to everyone, signed in or not."""
    view.access = "public"
    return view


def mark_access(view, level):
    """Record on `view` who may call it; used by the deny-by-default check."""
    view.access = level
    return view


def requires(level, check):
    """Build a decorator that runs `check()` before the view and marks its level."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            denied = check()
            if denied is not None:
                return denied
            return view(*args, **kwargs)
        return mark_access(wrapper, level)
    return decorator


def error_response(code, title=None, message=None):
    """Render the error page (or its fragment for htmx) with status `code`."""
    default_title, default_message = ERRORS.get(code, ERRORS[500])
    context = {"code": code, "title": title or default_title, "message": message or default_message}
    if is_partial_request():
        body = render_template("errors/_error.html", **context)
        return body, code, {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    template = "errors/minimal.html" if code >= 500 else "errors/error.html"
    return render_template(template, **context), code


def cached_url_for(endpoint, **values):
    """url_for for templates, remembering links that take no arguments.

    A page builds a dozen fixed links (static files, navigation); building
    each through the URL map costs more than rendering it.
    """
    if endpoint.startswith(".") or set(values) - {"filename"}:
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, values.get("filename"))
    try:
        return _fixed_links[key]
    except KeyError:
        link = _fixed_links[key] = url_for(endpoint, **values)
        return link


_fixed_links = {}


class _PlainPayload(URLSafeTimedSerializer):
    """Skip zlib: session cookies are a few dozen bytes and never shrink."""

    def dump_payload(self, obj):
        return base64_encode(self.serializer.dumps(obj, **self.serializer_kwargs).encode())


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, its signer built once instead of per request."""

    def get_signing_serializer(self, app):
        cached = app.extensions.get("session_serializer")
        if cached is None and app.secret_key:
            cached = app.extensions["session_serializer"] = _PlainPayload(
                app.secret_key, salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})
        return cached


class IdConverter(IntegerConverter):
    """`<int:...>` in our routes: a row id, 1 to the database's largest (a larger one is 404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def has_nul(request):
    """Return True if a NUL byte is anywhere in the URL, a header or a form value.

    PostgreSQL refuses NUL in text, and no person types one: refusing it here
    once is simpler than checking every column. A urlencoded body is read into
    the cache first, so a view that reads the raw body (the payment webhook)
    still gets it; uploaded files are not looked at.
    """
    if "\x00" in request.path or any("\x00" in value for value in request.headers.values()):
        return True
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        return True
    if request.mimetype == "application/x-www-form-urlencoded":
        request.get_data(cache=True)
    elif request.mimetype != "multipart/form-data":
        return False
    return any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True))


def init_app(app):
    """Install the header hook, error handlers and the deny-by-default check."""
    https = app.config["SESSION_COOKIE_SECURE"]
    app.jinja_env.globals["url_for"] = cached_url_for
    app.session_interface = CookieSessions()
    app.url_map.converters["int"] = IdConverter  # routes added from here on (all but /language)

    def _body_limit():
        # Runs before CSRFProtect reads the form: a few views (a scanned letter,
        # an import file) may receive more than MAX_CONTENT_LENGTH.
        larger = app.config["LARGER_BODIES"].get(request.endpoint)
        if larger:
            request.max_content_length = larger

    def _refuse_nul():
        if has_nul(request):
            return error_response(400, _l("Bad request"), _l("What you sent contains a character that cannot be "
                                                              "used (a NUL byte). Remove it and try again."))

    # The body limit first, then NUL (before CSRFProtect reads the form, so that
    # a NUL is a 400 of its own, never a database error in a view).
    app.before_request_funcs.setdefault(None, []).insert(0, _body_limit)
    app.before_request_funcs[None].insert(1, _refuse_nul)

    @app.before_request
    def _deny_by_default():
        view = app.view_functions.get(request.endpoint)
        if view is not None and request.endpoint != "static" and not getattr(view, "access", None):
            log.error("view %s has no access rule; refused", request.endpoint)
            abort(403)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        if request.view_args and "token" in request.view_args:
            headers["Referrer-Policy"] = TOKEN_PAGE_REFERRER_POLICY
        else:
            headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            headers.setdefault("X-Frame-Options", "DENY")  # an embeddable form names its framers in CSP
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if https:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
        for name in [h for h in headers.keys() if h.lower().startswith("access-control-")]:
            del headers[name]
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return error_response(400, _l("Form expired"),
                              _l("The form had expired or came from elsewhere. Reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        code = exc.code if exc.code in ERRORS else 500
        if code in (403, 429):
            log_refusal(code)
        return error_response(code)

    @app.errorhandler(Exception)
    def _server_error(exc):
        log.exception("unhandled error", extra={"fields": {"request_id": g.get("request_id")}})
        return error_response(500)


def log_refusal(code):
    """Log a 403 or 429 as an auth event with the signed-in account (AC-06, LOG-01)."""
    account_id = me().id if me().is_authenticated else None
    auth_event("forbidden" if code == 403 else "rate_limited", "refused", account_id=account_id,
               method=request.method, endpoint=request.endpoint, status=code, **g.get("rate_limited", {}))


def safe_next(value, default="/"):
    """Return `value` if it is a relative same-site path, else `default` (IO-05)."""
    if not value or not isinstance(value, str):
        return default
    if not value.startswith("/") or value.startswith("//") or value.startswith("/\\"):
        return default
    if any(ch in value for ch in "\\\r\n\t") or ":" in value.split("?", 1)[0]:
        return default
    return value
