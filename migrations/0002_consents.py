"""The consent ledger, the suppression list, pending sign-ups and the relationship log.

Adds person.email_hash (matched against the suppression list) and
person.restricted_at (Art. 18), and triggers that keep consent_event append-only.
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

    class ConsentWording(Base):
        sha256 = CharField(primary_key=True, max_length=64)
        language = CharField(max_length=5)
        text = TextField()
        created_at = DateTimeField()
        class Meta:
            table_name = 'consent_wording'
    db.create_tables([ConsentWording])

    class ConsentEvent(Base):
        person = ForeignKeyField(Person, on_delete='CASCADE', index=False)
        purpose = CharField(max_length=40)
        action = CharField(max_length=10)
        basis = CharField(max_length=20)
        occurred_at = DateTimeField()
        source_kind = CharField(max_length=10)
        source = CharField(max_length=64)
        wording = ForeignKeyField(ConsentWording, null=True, on_delete='RESTRICT')
        notice_version = CharField(max_length=40)
        confirmed_at = DateTimeField(null=True)
        network = CharField(max_length=50, default='')
        reason = CharField(null=True, max_length=500)
        class Meta:
            table_name = 'consent_event'
            indexes = ((('person', 'occurred_at'), False),)
    db.create_tables([ConsentEvent])

    class Consent(Base):
        person = ForeignKeyField(Person, on_delete='CASCADE', index=False)
        purpose = CharField(max_length=40)
        state = CharField(max_length=10)
        updated_at = DateTimeField()
        event = ForeignKeyField(ConsentEvent, on_delete='CASCADE')
        class Meta:
            table_name = 'consent'
            indexes = ((('person', 'purpose'), True), (('purpose', 'state', 'person'), False))
    db.create_tables([Consent])

    class Interaction(Base):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        kind = CharField(max_length=32)
        detail = CharField(max_length=200, default='')
        staff = ForeignKeyField(Account, null=True, on_delete='SET NULL')
        occurred_at = DateTimeField()
        class Meta:
            table_name = 'interaction'
            indexes = ((('person', 'occurred_at'), False),)
    db.create_tables([Interaction])

    class PendingSignup(Base):
        email = CharField(index=True, max_length=254)
        name = CharField(max_length=100, default='')
        language = CharField(max_length=5)
        source_kind = CharField(max_length=10)
        source = CharField(max_length=64)
        grants = TextField()
        notice_version = CharField(max_length=40)
        network = CharField(max_length=50, default='')
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField(index=True)
        expires_at = DateTimeField()
        class Meta:
            table_name = 'pending_signup'
    db.create_tables([PendingSignup])

    class Suppression(Base):
        address_hash = CharField(primary_key=True, max_length=64)
        reason = CharField(max_length=20)
        created_at = DateTimeField()
        class Meta:
            table_name = 'suppression'
    db.create_tables([Suppression])

    migrator.migrate(migrator.add_column('person', 'email_hash', CharField(index=True, null=True, max_length=64)))
    migrator.migrate(migrator.add_column('person', 'restricted_at', DateTimeField(index=True, null=True)))

    # The ledger is append-only: no update, and no delete while its person
    # exists (erasing the person removes their events by ON DELETE CASCADE).
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("""
            CREATE FUNCTION consent_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM person WHERE id = OLD.person_id) THEN
                RETURN OLD;
              END IF;
              RAISE EXCEPTION 'consent_event is append-only';
            END $$""")
        db.execute_sql("CREATE TRIGGER consent_event_append_only BEFORE UPDATE OR DELETE ON consent_event "
                       "FOR EACH ROW EXECUTE FUNCTION consent_event_append_only()")
    else:
        db.execute_sql("CREATE TRIGGER consent_event_no_update BEFORE UPDATE ON consent_event "
                       "BEGIN SELECT RAISE(ABORT, 'consent_event is append-only'); END")
        db.execute_sql("CREATE TRIGGER consent_event_no_delete BEFORE DELETE ON consent_event "
                       "WHEN EXISTS (SELECT 1 FROM person WHERE id = OLD.person_id) "
                       "BEGIN SELECT RAISE(ABORT, 'consent_event is append-only'); END")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS consent_event_append_only ON consent_event")
        db.execute_sql("DROP FUNCTION IF EXISTS consent_event_append_only()")
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS consent_event_no_update")
        db.execute_sql("DROP TRIGGER IF EXISTS consent_event_no_delete")
    migrator.migrate(migrator.drop_index('person', 'person_email_hash'))
    migrator.migrate(migrator.drop_index('person', 'person_restricted_at'))
    migrator.migrate(migrator.drop_column('person', 'restricted_at'))
    migrator.migrate(migrator.drop_column('person', 'email_hash'))
    migrator.migrate(migrator.drop_table('suppression'))
    migrator.migrate(migrator.drop_table('pending_signup'))
    migrator.migrate(migrator.drop_table('interaction'))
    migrator.migrate(migrator.drop_table('consent'))
    migrator.migrate(migrator.drop_table('consent_event'))
    migrator.migrate(migrator.drop_table('consent_wording'))
