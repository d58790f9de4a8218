"""Password hashing and the password rules.

argon2id with argon2-cffi's defaults (RFC 9106's second recommendation,
AUTH-01); hashes made with older parameters are upgraded at login (AUTH-02).
Rules: 12 to 128 characters of any kind, no composition rules, nothing common
or easy to guess (AUTH-03, AUTH-05). Unknown accounts still cost one verify.
"""
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

from ..translate import lazy_gettext as _l

MIN_LENGTH, MAX_LENGTH = 12, 128
# zxcvbn's score 3 means about 10^8 guesses or more: "safely unguessable"
# against online attacks, which is what a throttled login faces.
MIN_SCORE = 3
# zxcvbn's matching cost grows quickly with length; the first 72 characters
# decide whether a password is guessable.
STRENGTH_WINDOW = 72

PROFILES = {
    "rfc9106": {},
    "cheap": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}


def hasher():
    """Return the PasswordHasher for the configured profile."""
    profile = current_app.config["PASSWORD_HASHING"]
    cache = current_app.extensions.setdefault("password_hashers", {})
    if profile not in cache:
        cache[profile] = PasswordHasher(**PROFILES[profile])
    return cache[profile]


def normalise(password):
    """Return the NFC form of `password`, so the same text always hashes the same."""
    return unicodedata.normalize("NFC", password)


def hash_password(password):
    """Return an argon2id hash of `password`."""
    return hasher().hash(normalise(password))


def verify_password(password_hash, password):
    """Return True if `password` matches; always costs one argon2 verify."""
    ph = hasher()
    if password_hash is None:
        password_hash = _dummy_hash()
        password = password + "\0unknown"
    try:
        return ph.verify(password_hash, normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """Return True when the hash was made with other parameters than today's."""
    return hasher().check_needs_rehash(password_hash)


def _dummy_hash():
    cache = current_app.extensions.setdefault("password_hashers", {})
    key = "dummy:" + current_app.config["PASSWORD_HASHING"]
    if key not in cache:
        cache[key] = hasher().hash("dummy password for unknown accounts")
    return cache[key]


def password_problem(password, personal=()):
    """Return why `password` is not acceptable, or None if it is."""
    length = len(normalise(password))
    if length < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if length > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    inputs = [p for p in personal if p]
    for value in inputs:
        if len(value) >= 4 and value.lower() in password.lower():
            return _l("Do not use your name, username or email address in the password.")
    result = zxcvbn(password[:STRENGTH_WINDOW], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        return _l("This password is too common or too easy to guess. "
                  "A few unrelated words together make a strong one.")
    return None
