"""Encryption of queued mail at rest, with a key derived from the secret key.

Queued mail holds links with live tokens and personal data; the database
stores it only encrypted, so a copy of the database alone reveals neither.
"""
import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet():
    cache = current_app.extensions.setdefault("mail_fernet", {})
    secret = current_app.config["SECRET_KEY"]
    if secret not in cache:
        key = hashlib.sha256(b"portal outbox v1\0" + secret.encode()).digest()
        cache[secret] = Fernet(base64.urlsafe_b64encode(key))
    return cache[secret]


def seal(message):
    """Return the encrypted JSON of a message dict."""
    return _fernet().encrypt(json.dumps(message).encode())


def unseal(blob):
    """Return the message dict from `seal`, or None if it cannot be decrypted."""
    try:
        return json.loads(_fernet().decrypt(bytes(blob)))
    except (InvalidToken, TypeError, ValueError):
        return None
