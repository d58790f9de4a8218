"""The audit log of actions on personal data (AC-06, LOG-04): `audit.record(...)`."""
from .service import record

__all__ = ["record"]
