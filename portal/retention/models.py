"""The retention job's permit to delete consent records whose period has ended.

The ledger's triggers (migration 0005) refuse to delete a consent event while
its person exists, unless a permit names the person and purpose. The job
writes the permits, deletes the events and removes the permits in one
transaction, so no other connection ever sees a permit.
"""
from peewee import CharField, IntegerField

from ..db import BaseModel


class ConsentEventPermit(BaseModel):
    """Leave to delete one person's events for one purpose, inside the retention transaction."""

    person_id = IntegerField()  # a plain id: the permit outlives nothing and links nothing
    purpose = CharField(max_length=40)

    class Meta:
        indexes = ((("person_id", "purpose"), False),)
