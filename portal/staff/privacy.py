"""Recovery codes in a person's data: secrets, never exported, deleted with the account."""
from ..accounts.models import Account
from .models import RecoveryCode

COVERS = {RecoveryCode: "not exported: single-use secrets; deleted on erasure"}

TABLES = []  # recovery codes are secrets (DP-02)


def erase(person):
    """Delete the recovery codes of the person's account."""
    accounts = Account.select(Account.id).where(Account.person == person)
    RecoveryCode.delete().where(RecoveryCode.account.in_(accounts)).execute()
