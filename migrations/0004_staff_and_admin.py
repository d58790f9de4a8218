"""Staff second factor, moderation, processor exports, the breach register.

Adds TOTP columns to account, second_factor_at to login_session, staff
handling of data requests, notes on interactions; triggers keep breaches and
breach notices from ever being deleted.
"""
from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Account(Base):
        class Meta:
            table_name = 'account'

    class Person(Base):
        class Meta:
            table_name = 'person'

    class BlockedDomain(Base):
        domain = CharField(unique=True, max_length=253)
        reason = CharField(max_length=200, default='')
        blocked_by = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            table_name = 'blocked_domain'
    db.create_tables([BlockedDomain])

    class Breach(Base):
        title = CharField(max_length=200)
        description = TextField()
        occurred_at = DateTimeField(null=True)
        discovered_at = DateTimeField()
        categories = CharField(max_length=500)
        people_affected = IntegerField(default=0)
        records_affected = IntegerField(default=0)
        consequences = TextField(default='')
        measures = TextField(default='')
        risk = CharField(max_length=10)
        ombudsman_notified_at = DateTimeField(null=True)
        not_notified_reason = TextField(default='')
        recorded_by = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            table_name = 'breach'
    db.create_tables([Breach])

    class BreachNotice(Base):
        breach = ForeignKeyField(Breach, on_delete='RESTRICT')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        language = CharField(max_length=5)
        sent_by = IntegerField(null=True)
        queued_at = DateTimeField()
        class Meta:
            table_name = 'breach_notice'
            indexes = ((('breach', 'person'), True),)
    db.create_tables([BreachNotice])

    class ProcessorExport(Base):
        recipient = CharField(index=True, max_length=40)
        created_at = DateTimeField()
        created_by = IntegerField(null=True)
        row_count = IntegerField(default=0)
        removal_count = IntegerField(default=0)
        class Meta:
            table_name = 'processor_export'
    db.create_tables([ProcessorExport])

    class ProcessorExportMember(Base):
        export = ForeignKeyField(ProcessorExport, on_delete='CASCADE')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        processor_id = CharField(max_length=64)
        class Meta:
            table_name = 'processor_export_member'
            indexes = ((('export', 'processor_id'), True),)
    db.create_tables([ProcessorExportMember])

    class RecoveryCode(Base):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        code_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        used_at = DateTimeField(null=True)
        class Meta:
            table_name = 'recovery_code'
    db.create_tables([RecoveryCode])

    migrator.migrate(migrator.add_column('account', 'totp_secret', BlobField(null=True)))
    migrator.migrate(migrator.add_column('account', 'totp_enabled_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('account', 'totp_last_step', IntegerField(null=True)))
    migrator.migrate(migrator.add_column('data_request', 'recorded_by', IntegerField(null=True)))
    migrator.migrate(migrator.add_column('data_request', 'extended_until', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('data_request', 'extension_reason', CharField(max_length=2000, default='')))
    migrator.migrate(migrator.add_column('data_request', 'extension_sent_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('data_request', 'reply', TextField(default='')))
    migrator.migrate(migrator.add_column('data_request', 'closed_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('data_request', 'attachment', CharField(null=True, max_length=100)))
    migrator.migrate(migrator.add_column('interaction', 'note', TextField(default='')))
    migrator.migrate(migrator.add_column('login_session', 'second_factor_at', DateTimeField(null=True)))

    # Staff search and filters at a million people (portal/admin/people.py).
    migrator.migrate(migrator.add_column('person', 'name_key', CharField(max_length=100, null=True, index=True)))
    migrator.migrate(migrator.add_index('account', ('state',), False))
    migrator.migrate(migrator.add_index('account', ('email_verified_at',), False))

    # The breach register keeps everything (Art. 33(5)): no delete, ever.
    for table in ("breach", "breach_notice"):
        if isinstance(db, PostgresqlDatabase):
            db.execute_sql(f"""
                CREATE FUNCTION {table}_kept() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION '{table} rows are never deleted';
                END $$""")
            db.execute_sql(f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} "
                           f"FOR EACH ROW EXECUTE FUNCTION {table}_kept()")
        else:
            db.execute_sql(f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} rows are never deleted'); END")


def down(migrator, db):
    migrator.migrate(migrator.drop_index('account', 'account_state'))
    migrator.migrate(migrator.drop_index('account', 'account_email_verified_at'))
    migrator.migrate(migrator.drop_index('person', 'person_name_key'))
    migrator.migrate(migrator.drop_column('person', 'name_key'))
    if isinstance(db, PostgresqlDatabase):
        for table in ("breach", "breach_notice"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_kept ON {table}")
            db.execute_sql(f"DROP FUNCTION IF EXISTS {table}_kept()")
    migrator.migrate(migrator.drop_column('login_session', 'second_factor_at'))
    migrator.migrate(migrator.drop_column('interaction', 'note'))
    migrator.migrate(migrator.drop_column('data_request', 'attachment'))
    migrator.migrate(migrator.drop_column('data_request', 'closed_at'))
    migrator.migrate(migrator.drop_column('data_request', 'reply'))
    migrator.migrate(migrator.drop_column('data_request', 'extension_sent_at'))
    migrator.migrate(migrator.drop_column('data_request', 'extension_reason'))
    migrator.migrate(migrator.drop_column('data_request', 'extended_until'))
    migrator.migrate(migrator.drop_column('data_request', 'recorded_by'))
    migrator.migrate(migrator.drop_column('account', 'totp_last_step'))
    migrator.migrate(migrator.drop_column('account', 'totp_enabled_at'))
    migrator.migrate(migrator.drop_column('account', 'totp_secret'))
    migrator.migrate(migrator.drop_table('recovery_code'))
    migrator.migrate(migrator.drop_table('processor_export_member'))
    migrator.migrate(migrator.drop_table('processor_export'))
    migrator.migrate(migrator.drop_table('breach_notice'))
    migrator.migrate(migrator.drop_table('breach'))
    migrator.migrate(migrator.drop_table('blocked_domain'))
