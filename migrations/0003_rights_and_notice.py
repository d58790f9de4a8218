"""Audit log, restrictions, data requests and privacy notice versions.

Adds account.notice_seen and outbox_message.purge_after_sending, and triggers
that keep audit_entry append-only.
"""
from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Person(Base):
        class Meta:
            table_name = 'person'

    class AuditEntry(Base):
        occurred_at = DateTimeField(index=True)
        actor_id = IntegerField(index=True, null=True)
        actor_role = CharField(max_length=16, default='')
        person_id = IntegerField(index=True, null=True)
        action = CharField(index=True, max_length=40)
        detail = CharField(max_length=200, default='')
        network = CharField(max_length=50, default='')
        class Meta:
            table_name = 'audit_entry'
    db.create_tables([AuditEntry])

    class DataRequest(Base):
        kind = CharField(max_length=20)
        channel = CharField(max_length=10, default='web')
        email = CharField(index=True, max_length=254)
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        details = TextField(default='')
        language = CharField(max_length=5, default='fi')
        received_at = DateTimeField()
        due_at = DateTimeField(index=True)
        verified_at = DateTimeField(null=True)
        state = CharField(max_length=12, default='unverified')
        answered_at = DateTimeField(null=True)
        token_hash = CharField(unique=True, null=True, max_length=64)
        class Meta:
            table_name = 'data_request'
    db.create_tables([DataRequest])

    class NoticeVersion(Base):
        label = CharField(unique=True, max_length=40)
        content_hash = CharField(unique=True, max_length=64)
        source = TextField()
        published_at = DateTimeField()
        class Meta:
            table_name = 'notice_version'
    db.create_tables([NoticeVersion])

    class Restriction(Base):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        reason = CharField(max_length=20)
        details = CharField(max_length=2000, default='')
        requested_at = DateTimeField()
        lifted_at = DateTimeField(null=True)
        lift_notice_at = DateTimeField(null=True)
        class Meta:
            table_name = 'restriction'
    db.create_tables([Restriction])

    migrator.migrate(migrator.add_column('account', 'notice_seen', IntegerField(null=True)))
    migrator.migrate(migrator.add_column('outbox_message', 'purge_after_sending', BooleanField(default=False)))

    # The audit log is append-only (LOG-04, AC-06).
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("""
            CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'audit_entry is append-only';
            END $$""")
        db.execute_sql("CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
                       "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()")
    else:
        db.execute_sql("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
                       "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END")
        db.execute_sql("CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
                       "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        db.execute_sql("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    migrator.migrate(migrator.drop_column('outbox_message', 'purge_after_sending'))
    migrator.migrate(migrator.drop_column('account', 'notice_seen'))
    migrator.migrate(migrator.drop_table('restriction'))
    migrator.migrate(migrator.drop_table('notice_version'))
    migrator.migrate(migrator.drop_table('data_request'))
    migrator.migrate(migrator.drop_table('audit_entry'))
