"""People, accounts, login sessions, email tokens and the mail outbox."""
from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Person(Base):
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=100, default='')
        phone = CharField(null=True, max_length=32)
        language = CharField(max_length=5, default='fi')
        source = CharField(max_length=64)
        status = CharField(max_length=16, default='prospect')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            table_name = 'person'
    db.create_tables([Person])

    class Account(Base):
        person = ForeignKeyField(Person, unique=True, on_delete='CASCADE')
        username = CharField(unique=True, max_length=30)
        password_hash = CharField()
        role = CharField(max_length=16, default='member')
        state = CharField(max_length=20, default='active')
        email_verified_at = DateTimeField(null=True)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)
        password_changed_at = DateTimeField()
        class Meta:
            table_name = 'account'
    db.create_tables([Account])

    class EmailToken(Base):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        purpose = CharField(max_length=32)
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        data = TextField(null=True)
        class Meta:
            table_name = 'email_token'
            indexes = ((('person', 'purpose'), False),)
    db.create_tables([EmailToken])

    class LoginSession(Base):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        expires_at = DateTimeField()
        remember = BooleanField(default=False)
        reauthenticated_at = DateTimeField(null=True)
        device = CharField(max_length=80, default='')
        network = CharField(max_length=50, default='')
        class Meta:
            table_name = 'login_session'
    db.create_tables([LoginSession])

    class OutboxMessage(Base):
        person = ForeignKeyField(Person, null=True, on_delete='CASCADE')
        to_address = CharField(max_length=254)
        template = CharField(max_length=64)
        language = CharField(max_length=5)
        payload = BlobField(null=True)
        status = CharField(max_length=10, default='pending')
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField()
        lease_until = DateTimeField(null=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        last_error = CharField(null=True, max_length=300)
        message_id = CharField(unique=True)
        class Meta:
            table_name = 'outbox_message'
            indexes = ((('status', 'next_attempt_at'), False),)
    db.create_tables([OutboxMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('outbox_message'))
    migrator.migrate(migrator.drop_table('login_session'))
    migrator.migrate(migrator.drop_table('email_token'))
    migrator.migrate(migrator.drop_table('account'))
    migrator.migrate(migrator.drop_table('person'))
