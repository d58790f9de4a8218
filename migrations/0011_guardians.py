"""Guardians: who gave a child's data and consented for them (a new table)."""
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

    class Guardian(Base):
        child = ForeignKeyField(Person, unique=True, on_delete='CASCADE')
        name = CharField(max_length=100)
        email = CharField(max_length=254, index=True)
        phone = CharField(max_length=32, null=True)
        recorded_by = ForeignKeyField(Account, null=True, on_delete='SET NULL')
        recorded_at = DateTimeField()
        class Meta:
            table_name = 'guardian'
    db.create_tables([Guardian])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('guardian'))
