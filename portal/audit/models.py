"""The audit log: who did what to whose data, and when. Append-only.

An entry names the actor and the person by id only and never holds the
personal data itself, so it can outlive an erased person. The ids are plain
integers, not foreign keys, for the same reason. Triggers (migration 0003)
refuse UPDATE and DELETE.
"""
import datetime as dt

from peewee import CharField, IntegerField

from .. import clock
from ..db import BaseModel, DateTimeField


class AuditEntry(BaseModel):
    """One action on personal data: viewed, exported, changed, erased."""

    occurred_at = DateTimeField(default=clock.now, index=True)
    actor_id = IntegerField(null=True, index=True)  # the account that acted; None for the system
    actor_role = CharField(max_length=16, default="")
    person_id = IntegerField(null=True, index=True)  # whose data it was
    action = CharField(max_length=40, index=True)
    detail = CharField(max_length=200, default="")
    network = CharField(max_length=50, default="")

    def save(self, *args, **kwargs):
        if self._pk is not None:
            raise PermissionError("audit entries cannot be changed")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise PermissionError("audit entries cannot be deleted")

    @classmethod
    def filtered(cls, actor=None, person=None, before=None, action=None, first_day=None, last_day=None):
        """Return entries newest first, by staff member, person, action and days (Helsinki dates as UTC days)."""
        query = cls.select().order_by(cls.id.desc())
        for column, value in ((cls.actor_id, actor), (cls.person_id, person), (cls.action, action)):
            if value is not None:
                query = query.where(column == value)
        if before is not None:
            query = query.where(cls.id < before)
        if first_day is not None:
            query = query.where(cls.occurred_at >= dt.datetime.combine(first_day, dt.time()))
        if last_day is not None:
            query = query.where(cls.occurred_at < dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()))
        return query

    @classmethod
    def actions(cls):
        """Return every action name that occurs in the log, alphabetically."""
        return [a for (a,) in cls.select(cls.action).distinct().order_by(cls.action).tuples()]

