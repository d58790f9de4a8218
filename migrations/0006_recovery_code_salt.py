"""Recovery codes kept keyed and salted: a salt per code.

New codes have 120 random bits and are stored as HMAC-SHA-256, keyed from the
secret key, of the salt and the code's digest. Codes made before keep working:
after `flask db upgrade` the portal wraps each stored SHA-256 digest in the same
HMAC with a new salt (`staff.totp.wrap_legacy_codes`, which needs the secret key
and so cannot run here); a row without a salt is checked as before until then.
Reverting this migration makes the wrapped codes unusable: staff then get an
admin's reset of their second factor.
"""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column('recovery_code', 'salt', CharField(max_length=32, null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('recovery_code', 'salt'))
