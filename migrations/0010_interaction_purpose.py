"""The relationship log holds register B's staff-recorded data: `interaction.purpose`.

Quality-control notes, emails the customer sent and other data collected with
permission are kinds of `interaction` (no column needed for a kind); the last
one names the consent purpose it rests on, and goes when that consent does.
Nullable, and `interaction` has no children, so SQLite adds it in place.
"""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column('interaction', 'purpose', CharField(max_length=40, null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('interaction', 'purpose'))
