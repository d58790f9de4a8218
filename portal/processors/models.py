"""Exports to processors (Art. 19): what was handed over, and to whom, when.

`ProcessorExportMember` remembers who was in the latest export, so the next
one can list who must be removed. For a person later erased only the
processor's own id for them is kept (Mailchimp: MD5 of the address), never
the address itself.
"""
from peewee import CharField, ForeignKeyField, IntegerField

from .. import clock
from ..db import BaseModel, DateTimeField
from ..people.models import Person


class ProcessorExport(BaseModel):
    """One CSV handed to a processor."""

    recipient = CharField(max_length=40, index=True)
    created_at = DateTimeField(default=clock.now)
    created_by = IntegerField(null=True)
    row_count = IntegerField(default=0)
    removal_count = IntegerField(default=0)


class ProcessorExportMember(BaseModel):
    """A person who was in an export, by the processor's own id for them."""

    export = ForeignKeyField(ProcessorExport, backref="members", on_delete="CASCADE")
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    processor_id = CharField(max_length=64)

    class Meta:
        indexes = ((("export", "processor_id"), True),)
