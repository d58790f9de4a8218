"""Rate limits on the public forms (AUTH-08, AA-01), shared through Redis when set.

Limits are read from the config at request time, so tests and operators can
tighten them without touching the views.
"""
from flask import current_app, request
from flask_limiter import Limiter


def client_ip():
    """Return the client's address (after ProxyFix when proxies are trusted)."""
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_ip)


def per_ip(setting):
    """Limit POSTs to a view per client address with the limit in `setting`."""
    return limiter.limit(lambda: current_app.config[setting], key_func=lambda: "ip:" + client_ip(),
                         methods=["POST"], scope=setting)


def per_field(setting, field, deduct_when=None):
    """Limit POSTs per value of a form field (an account, an address)."""
    def key():
        return f"{field}:" + (request.form.get(field) or "").strip().lower()[:254]
    return limiter.limit(lambda: current_app.config[setting], key_func=key, methods=["POST"],
                         scope=setting, deduct_when=deduct_when)


@limiter.request_filter
def _reads_are_not_limited():
    # Every limit here is on a POST; skipping reads early keeps page views cheap.
    return request.method in ("GET", "HEAD", "OPTIONS")


def init_app(app):
    """Attach the limiter to the app."""
    limiter.init_app(app)
