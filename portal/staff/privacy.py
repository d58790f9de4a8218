"""Recovery codes in export and erasure: secrets, never exported, deleted with the account."""
from ..accounts.models import Account
from .models import RecoveryCode

COVERS = {RecoveryCode: "not exported: single-use secrets; deleted on erasure"}


def export(person):
    """Nothing: recovery codes are secrets (DP-02)."""
    return []


def erase(person):
    """Delete the recovery codes of the person's account."""
    accounts = Account.select(Account.id).where(Account.person == person)
    RecoveryCode.delete().where(RecoveryCode.account.in_(accounts)).execute()
