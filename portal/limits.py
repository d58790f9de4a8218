"""Rate limits on the public forms (AUTH-08, AA-01), shared through Redis when set.

Built on `limits`, the engine inside Flask-Limiter, and applied only to the
POSTs that need them: Flask-Limiter's hooks ran on every request, page views
included, and cost about a tenth of a page (measured with
benchmarks/http_pages.py). Limits are read from the config at request time, so
tests and operators can tighten them without touching the views.
"""
from functools import lru_cache, wraps

from flask import abort, current_app, g, request
from limits import parse_many
from limits.storage import MemoryStorage, RedisStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter


def client_ip():
    """Return the client's address (after ProxyFix when proxies are trusted)."""
    return request.remote_addr or "unknown"


def account_key(account_id):
    """Return the key under which an account's password failures are counted (AUTH-08)."""
    return f"account:{account_id}"


@lru_cache(maxsize=64)
def _parse(value):
    return tuple(parse_many(value))


def take(setting, key):
    """Count one use of `key` against every limit in `setting`; return False if one is used up.

    Each limit checks and counts in one step (the storage's own atomic hit),
    so simultaneous requests cannot all pass a check before any is counted.
    A refused use counts against none of the limits.
    """
    limiter = current_app.extensions["rate_limiter"]
    taken = []
    for item in _parse(current_app.config[setting]):
        if not limiter.hit(item, setting, key):
            for done in taken:
                _take_back(limiter, done, setting, key)
            return False
        taken.append(item)
    return True


def give_back(setting, key):
    """Undo one `take` of `key`: the attempt turned out not to count (a right password)."""
    limiter = current_app.extensions["rate_limiter"]
    for item in _parse(current_app.config[setting]):
        _take_back(limiter, item, setting, key)


def _take_back(limiter, item, *identifiers):
    # `limits` has no public "un-hit". Its memory and Redis storages keep a moving
    # window as a list with the newest entry first; removing the newest gives the
    # count back (the two storages the portal runs on, tested on both).
    storage, key = limiter.storage, item.key_for(*identifiers)
    if isinstance(storage, RedisStorage):
        storage.get_connection().lpop(storage.prefixed_key(key))
    elif isinstance(storage, MemoryStorage):
        with storage.locks[key]:
            entries = storage.events.get(key)
            if entries:
                del entries[0]


def spend(setting, key):
    """Count one use of `key`, or answer 429 when a limit in `setting` is used up."""
    if not take(setting, key):
        refuse(setting, key)


def refuse(setting, key):
    """Answer 429: `key` has used up a limit in `setting`.

    The error handler logs the refusal as an auth event with what is noted
    here: the limit, and the account whose limit it is (never an address).
    """
    noted = {"limit": setting}
    if key.startswith(account_key("")):
        noted["limited_account_id"] = int(key[len(account_key("")):])
    g.rate_limited = noted
    abort(429)


def _limited(setting, key, only_failures):
    """Build a decorator that limits POSTs to a view by `key()`, per `setting`.

    A `key()` of None means there is nothing to count (the form will refuse the
    input). With `only_failures` the attempt is counted first and given back
    unless the answer is 422, so a check and its count are one step.
    """
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method != "POST":
                return view(*args, **kwargs)
            identity = key()
            if identity is None:
                return view(*args, **kwargs)
            if not take(setting, identity):
                refuse(setting, identity)
            if not only_failures:
                return view(*args, **kwargs)
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 422:  # not a failed attempt
                give_back(setting, identity)
            return response
        return wrapper
    return decorator


def per_key(setting, key, only_failures=False):
    """Limit POSTs to a view per `key()` (e.g. the signed-in account) with the limit in `setting`."""
    return _limited(setting, key, only_failures)


def per_ip(setting):
    """Limit POSTs to a view per client address with the limit in `setting`."""
    return _limited(setting, lambda: "ip:" + client_ip(), only_failures=False)


def per_field(setting, field, clean):
    """Limit POSTs per value of a form field (an address), as `clean(value)` normalises it.

    `clean` returns None for a value the form refuses: an empty or invalid
    address counts against no one's limit (one shared key would lock every
    visitor out) and gets the form's 422 instead.
    """
    def key():
        value = clean(request.form.get(field) or "")
        return None if value is None else field_key(field, value)
    return _limited(setting, key, only_failures=False)


def field_key(field, value):
    """Return the limit key of a form field's normalised value."""
    return f"{field}:{value}"


def init_app(app):
    """Open the limit storage: memory, or Redis with PORTAL_REDIS_URL."""
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["rate_limiter"] = MovingWindowRateLimiter(storage)
