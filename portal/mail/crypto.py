"""Encryption of queued mail at rest (see portal/crypto.py).

Queued mail holds links with live tokens and personal data; the database
stores it only encrypted, so a copy of the database alone reveals neither.
"""
import json

from ..crypto import decrypt, encrypt


def seal(message):
    """Return the encrypted JSON of a message dict."""
    return encrypt("outbox", json.dumps(message).encode())


def unseal(blob):
    """Return the message dict from `seal`, or None if it cannot be decrypted."""
    data = decrypt("outbox", blob)
    return json.loads(data) if data is not None else None
