"""Helpers for the staff tests: a signed-in moderator or admin who passed the second factor."""
import pyotp
from support import PASSWORD, Web

from portal import clock


def totp_code(app, account_id, offset_steps=0):
    """Return the current code of an account's authenticator."""
    from portal.accounts.models import Account
    from portal.staff.totp import secret_of
    with app.test_request_context():
        secret = secret_of(Account.get_by_id(account_id))
    return pyotp.TOTP(secret).at(clock.timestamp() + 30 * offset_steps)


def enrolled_staff(app, member, role="admin", email=None):
    """Create a staff account with an authenticator enrolled; return (account, signed-in Web)."""
    from portal.accounts.models import Account
    from portal.crypto import encrypt
    email = email or f"{role}@example.fi"
    account = member(email=email, role=role, name=f"{role.title()} Staff")
    secret = pyotp.random_base32()
    with app.test_request_context():
        Account.update(totp_secret=encrypt("totp", secret.encode()), totp_enabled_at=clock.now()) \
            .where(Account.id == account.id).execute()
    web = Web(app)
    web.login(email, PASSWORD)
    response = web.post("/admin/2fa", {"code": pyotp.TOTP(secret).at(clock.timestamp()), "next": "/admin"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return account, web
