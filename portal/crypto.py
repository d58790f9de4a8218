"""Encryption at rest with keys derived from the secret key, one key per purpose.

Queued mail and staff TOTP secrets are stored only encrypted (Fernet), so a
copy of the database alone reveals neither; staff recovery codes only as a
keyed hash. Rotating PORTAL_SECRET_KEY makes them unreadable: queued mail
fails, and staff enrol their authenticator again.
"""
import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def box(purpose):
    """Return the Fernet of `purpose` for the running app's secret key."""
    cache = current_app.extensions.setdefault("crypto_boxes", {})
    secret = current_app.config["SECRET_KEY"]
    if (purpose, secret) not in cache:
        key = hashlib.sha256(f"portal {purpose} v1\0".encode() + secret.encode()).digest()
        cache[(purpose, secret)] = Fernet(base64.urlsafe_b64encode(key))
    return cache[(purpose, secret)]


def keyed_hash(purpose, data):
    """Return the HMAC-SHA-256 (hex) of `data` (bytes) with the key of `purpose`."""
    secret = current_app.config["SECRET_KEY"]
    key = hashlib.sha256(f"portal {purpose} hmac v1\0".encode() + secret.encode()).digest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def encrypt(purpose, data):
    """Return `data` (bytes) encrypted for `purpose`."""
    return box(purpose).encrypt(data)


def decrypt(purpose, blob):
    """Return the bytes `encrypt` sealed, or None if they cannot be decrypted."""
    try:
        return box(purpose).decrypt(bytes(blob))
    except (InvalidToken, TypeError, ValueError):
        return None
