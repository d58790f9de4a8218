"""Staff second factor (AUTH-11): TOTP with single-use codes, and recovery codes.

The secret is stored encrypted; a code is accepted once (its time step is
remembered) within one step of drift. Ten recovery codes are shown once: each
has 120 random bits (ASVS asks at least 112), written as six groups of four
characters of Crockford's base32 (no i, l, o or u to misread), and is kept
only as an HMAC, keyed from the secret key, of its own salt and its digest.
"""
import secrets

import pyotp
import segno
from markupsafe import Markup

from .. import audit, clock
from ..accounts.models import Account, LoginSession, digest
from ..accounts.sessions import end_sessions
from ..crypto import decrypt, encrypt, keyed_hash
from ..db import database
from ..logs import auth_event
from ..mail.service import send_mail
from ..register import get_register
from ..translate import lazy_gettext as _l
from .models import RecoveryCode

STEP = 30
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: 5 bits a character
RECOVERY_LENGTH = 24  # 120 bits
MISREAD = str.maketrans({"i": "1", "l": "1", "o": "0"})  # what Crockford's decoding forgives


def secret_of(account):
    """Return the account's TOTP secret (base32), or None."""
    if account.totp_secret is None:
        return None
    raw = decrypt("totp", account.totp_secret)
    return raw.decode() if raw is not None else None


def begin_enrolment(account):
    """Store a new, not yet enabled secret for `account` (replacing a pending one); return it."""
    secret = pyotp.random_base32()
    Account.update(totp_secret=encrypt("totp", secret.encode()), totp_enabled_at=None, totp_last_step=None) \
        .where(Account.id == account.id).execute()
    account.totp_secret, account.totp_enabled_at = encrypt("totp", secret.encode()), None
    return secret


def provisioning_uri(account, secret):
    """Return the otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account.username,
                                               issuer_name=get_register().register.site_name)


def qr_svg(uri):
    """Return the QR code of `uri` as inline SVG, drawn on the server (no script, no request)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff"))


def matching_step(secret, code):
    """Return the time step at which `code` is valid (one step of drift), or None."""
    code = "".join((code or "").split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp, now = pyotp.TOTP(secret), clock.timestamp()
    for offset in (0, -1, 1):
        moment = now + offset * STEP
        if secrets.compare_digest(totp.at(moment), code):
            return int(moment // STEP)
    return None


def _use_step(account, step):
    """Accept a step only if it is newer than the last one used (a code works once)."""
    query = Account.update(totp_last_step=step).where(
        Account.id == account.id, Account.totp_last_step.is_null() | (Account.totp_last_step < step))
    return query.execute() == 1


def finish_enrolment(account, code, session):
    """Enable the pending secret if `code` fits; return the new recovery codes, or None."""
    secret = secret_of(account)
    step = matching_step(secret, code) if secret and account.totp_enabled_at is None else None
    if step is None:
        auth_event("second_factor_enrol", "failure", account_id=account.id)
        return None
    with database.atomic():
        now = clock.now()
        Account.update(totp_enabled_at=now, totp_last_step=step).where(Account.id == account.id).execute()
        account.totp_enabled_at, account.totp_last_step = now, step
        codes = _new_recovery_codes(account)
        _passed(session)
        audit.record("second_factor_enrolled", account.person, actor=account)
        send_mail(account.person.email, "second_factor_changed", _l("Two-step verification was turned on"),
                  person=account.person, change="enrolled")
    auth_event("second_factor_enrol", "success", account_id=account.id)
    return codes


def new_recovery_code():
    """Return a new recovery code: 24 characters in groups of four, such as 7k2m-x9qd-…"""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def _canonical(code):
    """Return a typed recovery code as it was made: no separators, misread letters forgiven."""
    return "".join(ch for ch in (code or "").lower().translate(MISREAD) if ch in RECOVERY_ALPHABET)


def _typed_digests(code):
    """Return the digests a typed recovery code may have been stored under: today's
    codes, and those made before migration 0006 (lower case, without spaces)."""
    return {digest(_canonical(code)), digest("".join((code or "").lower().split()))}


def _stored_hash(salt, code_digest):
    return keyed_hash("recovery code", f"{salt}:{code_digest}".encode())


def _new_recovery_codes(account):
    RecoveryCode.delete().where(RecoveryCode.account == account).execute()
    codes, rows = [new_recovery_code() for _ in range(RECOVERY_CODES)], []
    for code in codes:
        salt = secrets.token_hex(16)
        rows.append({"account": account.id, "salt": salt, "created_at": clock.now(),
                     "code_hash": _stored_hash(salt, digest(_canonical(code)))})
    RecoveryCode.insert_many(rows).execute()
    return codes


def _use_recovery_code(account, code):
    """Mark the account's unused recovery code that `code` is as used; return True if there was one."""
    digests = _typed_digests(code)
    for row in RecoveryCode.select().where(RecoveryCode.account == account, RecoveryCode.used_at.is_null()):
        stored = digests if row.salt is None else {_stored_hash(row.salt, d) for d in digests}  # None: not wrapped yet
        if any(secrets.compare_digest(row.code_hash, candidate) for candidate in stored):
            return RecoveryCode.update(used_at=clock.now()).where(
                RecoveryCode.id == row.id, RecoveryCode.used_at.is_null()).execute() == 1
    return False


def wrap_legacy_codes():
    """Key and salt the recovery codes stored as plain SHA-256 before migration 0006 (after `db upgrade`)."""
    with database.atomic():
        for row in RecoveryCode.select().where(RecoveryCode.salt.is_null()):
            salt = secrets.token_hex(16)
            RecoveryCode.update(salt=salt, code_hash=_stored_hash(salt, row.code_hash)).where(
                RecoveryCode.id == row.id, RecoveryCode.salt.is_null()).execute()


def _passed(session):
    LoginSession.update(second_factor_at=clock.now()).where(LoginSession.id == session.id).execute()
    session.second_factor_at = clock.now()


def verify(account, code, session):
    """Pass the second factor with a TOTP code or an unused recovery code; return True if it fits."""
    secret = secret_of(account) if account.totp_enabled_at else None
    if secret is None:
        return False
    with database.atomic():
        step = matching_step(secret, code)
        if step is not None and _use_step(account, step):
            _passed(session)
            auth_event("second_factor", "success", account_id=account.id, method="totp", session_id=session.id)
            return True
        if _use_recovery_code(account, code):
            _passed(session)
            audit.record("recovery_code_used", account.person, actor=account)
            auth_event("second_factor", "success", account_id=account.id, method="recovery_code",
                       session_id=session.id, recovery_codes_left=recovery_codes_left(account))
            return True
    auth_event("second_factor", "failure", account_id=account.id, session_id=session.id)
    return False


def recovery_codes_left(account):
    """Return how many unused recovery codes the account has."""
    return RecoveryCode.select().where(RecoveryCode.account == account, RecoveryCode.used_at.is_null()).count()


def reset(account, by):
    """Turn the second factor off (an admin's reset): codes gone, sessions ended, the person told."""
    with database.atomic():
        Account.update(totp_secret=None, totp_enabled_at=None, totp_last_step=None) \
            .where(Account.id == account.id).execute()
        RecoveryCode.delete().where(RecoveryCode.account == account).execute()
        end_sessions(account, reason="second_factor_reset")
        audit.record("second_factor_reset", account.person, actor=by)
        send_mail(account.person.email, "second_factor_changed", _l("Two-step verification was reset"),
                  person=account.person, change="reset")
