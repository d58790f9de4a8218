"""Server-side login sessions behind flask-login (SES-01..08).

The session cookie carries a random secret; the `login_session` table keeps
its digest, the idle and absolute deadlines and the time of the last password
entry. Deleting the row ends the session everywhere, whatever the cookie says.
"""
import datetime as dt
import secrets
from collections import namedtuple

from flask import g, request, session
from flask_login import LoginManager, login_user, logout_user

from .. import clock
from ..db import database
from ..logs import auth_event, coarse_network
from .models import Account, LoginSession, Person, digest

Timeouts = namedtuple("Timeouts", "idle absolute")
MEMBER = Timeouts(dt.timedelta(minutes=30), dt.timedelta(hours=12))
REMEMBERED = Timeouts(dt.timedelta(days=30), dt.timedelta(days=30))
STAFF = Timeouts(dt.timedelta(minutes=15), dt.timedelta(hours=8))
REAUTH_WINDOW = dt.timedelta(minutes=10)
# Writing last_seen_at on every request would cost a write per page view;
# once a minute keeps the idle timeout accurate to a minute.
TOUCH_INTERVAL = dt.timedelta(seconds=60)

login_manager = LoginManager()
login_manager.session_protection = None  # the session table does this job


def timeouts_for(account, remember):
    """Return the idle and absolute timeouts for an account's session."""
    if account.is_staff:
        return STAFF
    return REMEMBERED if remember else MEMBER


_lookups = {}


def find_session(token_hash):
    """Return the session row with its account and person, by one query.

    Every signed-in page starts here. Building this three-table SELECT with
    peewee cost more than running it, so its SQL is built once per database
    kind and the row is read into the three models directly.
    """
    models = (LoginSession, Account, Person)
    kind = type(database.obj)
    if kind not in _lookups:
        query = (LoginSession.select(*models).join(Account).join(Person)
                 .where(LoginSession.token_hash == "?"))
        _lookups[kind] = query.sql()[0]
    row = database.execute_sql(_lookups[kind], (token_hash,)).fetchone()
    if row is None:
        return None
    values, objects = iter(row), []
    for model in models:
        instance = model(__no_default__=True)
        instance.__data__ = {f.name: f.python_value(next(values)) for f in model._meta.sorted_fields}
        instance._dirty.clear()
        objects.append(instance)
    record, account, person = objects
    record.account, account.person = account, person
    record._dirty.clear()
    account._dirty.clear()
    return record


@login_manager.user_loader
def load_account(user_id):
    """Return the account of a live session record, or None (flask-login)."""
    raw = session.get("sid")
    if not raw:
        return None
    record = find_session(digest(raw))
    if record is None or str(record.account_id) != user_id:
        g.session_ended = True
        return None
    account, now = record.account, clock.now()
    idle = timeouts_for(account, record.remember).idle
    if now >= record.expires_at or now - record.last_seen_at >= idle or not account.is_active:
        record.delete_instance()
        g.session_ended = True
        reason = "expired" if now >= record.expires_at else "idle" if account.is_active else "inactive_account"
        auth_event("session_ended", reason, account_id=account.id, session_id=record.id)
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        LoginSession.update(last_seen_at=now).where(LoginSession.id == record.id).execute()
    g.login_session = record
    return account


def start_session(account, remember=False):
    """Sign `account` in with a new session id (SES-01); return the record."""
    now = clock.now()
    remember = remember and not account.is_staff
    raw = secrets.token_urlsafe(32)
    record = LoginSession.create(
        account=account, token_hash=digest(raw), remember=remember,
        expires_at=now + timeouts_for(account, remember).absolute,
        reauthenticated_at=now, device=describe_device(request.user_agent.string),
        network=coarse_network(request.remote_addr))
    session.clear()
    session["sid"] = raw
    session.permanent = remember
    login_user(account)
    g.login_session = record
    return record


def end_current_session(language=None):
    """End this browser's session on the server and clear its cookie.

    The page language stays, so logging out does not switch languages.
    """
    raw = session.get("sid")
    if raw:
        LoginSession.delete().where(LoginSession.token_hash == digest(raw)).execute()
    logout_user()
    session.clear()
    if language:
        session["lang"] = language


def end_sessions(account, keep=None, reason="ended", **fields):
    """End every session of `account` except `keep`; log why (and `fields`); return how many ended."""
    query = LoginSession.delete().where(LoginSession.account == account)
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    count = query.execute()
    auth_event("sessions_ended", reason, account_id=account.id, count=count, **fields)
    return count


def end_one_session(account, session_id):
    """End one of the member's own sessions (never another account's: AC-03); return True if it ended."""
    ended = LoginSession.delete().where(LoginSession.id == session_id, LoginSession.account == account).execute()
    if ended:
        auth_event("sessions_ended", "by_member", account_id=account.id, count=ended, session_id=session_id)
    return bool(ended)


def current_session():
    """Return the LoginSession of this request, or None."""
    return g.get("login_session")


def mark_reauthenticated():
    """Record that the password was just entered again (SES-06)."""
    record = current_session()
    now = clock.now()
    LoginSession.update(reauthenticated_at=now).where(LoginSession.id == record.id).execute()
    record.reauthenticated_at = now


def recently_authenticated():
    """Return True when the password was entered within the last 10 minutes."""
    record = current_session()
    return (record is not None and record.reauthenticated_at is not None
            and clock.now() - record.reauthenticated_at < REAUTH_WINDOW)


def describe_device(user_agent):
    """Return a short 'Browser · System' label for the session list."""
    ua = user_agent or ""
    browser = next((name for key, name in (
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"), ("Safari/", "Safari")) if key in ua), "")
    system = next((name for key, name in (
        ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
        ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")) if key in ua), "")
    return " · ".join(part for part in (browser, system) if part)[:80]
