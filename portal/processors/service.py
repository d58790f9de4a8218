"""Exports to processors (Art. 19): exactly the permitted fields of the people who may be reached,
and who must be removed since the previous export.

A recipient can be exported when it serves a direct-marketing or consent
purpose and every field it receives is a contact field we hold on the person.
Removals name people still in the register by address; people since erased
appear only as the processor's own id for them (Mailchimp: MD5 of the
address; others: SHA-256, which ad platforms match on), kept from the
previous export because we no longer hold the address.
"""
import csv
import hashlib
import io
import zipfile

from peewee import JOIN

from .. import audit, clock
from ..consents.audience import reachable_for
from ..db import database
from ..people.models import Person
from ..personal_data import csv_safe
from ..register import get_register
from .models import ProcessorExport, ProcessorExportMember

CONTACT_FIELDS = {
    "email": lambda p: p.email,
    "first_name": lambda p: p.first_name,
    "name": lambda p: p.name,
    "phone": lambda p: p.phone or "",
    "language": lambda p: p.language,
    "address": lambda p: "",  # not collected by this portal
}


def exportable():
    """Return the recipients that can receive a CSV of people, in definition order."""
    register = get_register()
    return [r for r in register.recipients.values()
            if set(r.fields) <= set(CONTACT_FIELDS)
            and any(register.purposes[key].basis == "consent" for key in r.purposes)]


def processor_id(recipient, email):
    """Return the id the processor itself uses for an address."""
    normalised = email.strip().lower().encode()
    if "mailchimp" in recipient.key or "mailchimp" in recipient.name.lower():
        return hashlib.md5(normalised).hexdigest()  # Mailchimp's subscriber hash, not for security
    return hashlib.sha256(normalised).hexdigest()


def audience(recipient):
    """Return a query of the people the recipient may have now (reachable for any of its purposes)."""
    register = get_register()
    purposes = [key for key in recipient.purposes if register.purposes[key].basis == "consent"]
    ids = None
    for key in purposes:
        part = reachable_for(key).select(Person.id)
        ids = part if ids is None else ids | part
    return Person.select().where(Person.id.in_(ids)).order_by(Person.id)


def latest(recipient):
    """Return the recipient's previous export, or None."""
    return (ProcessorExport.select().where(ProcessorExport.recipient == recipient.key)
            .order_by(ProcessorExport.id.desc()).first())


def export(recipient, by):
    """Build the export (a ZIP of two CSVs), remember who was in it, audit it; return (name, bytes, counts)."""
    previous = latest(recipient)
    with database.atomic():
        record = ProcessorExport.create(recipient=recipient.key, created_by=by.id)
        members, rows = [], io.StringIO()
        writer = csv.writer(rows)
        writer.writerow(recipient.fields)
        for person in audience(recipient).iterator():
            writer.writerow([csv_safe(CONTACT_FIELDS[f](person)) for f in recipient.fields])
            members.append({"export": record.id, "person": person.id,
                            "processor_id": processor_id(recipient, person.email)})
        for start in range(0, len(members), 500):
            ProcessorExportMember.insert_many(members[start:start + 500]).execute()
        removals = _removals(recipient, previous, {m["processor_id"] for m in members})
        if previous is not None:  # only the newest membership is needed for the next comparison
            ProcessorExportMember.delete().where(ProcessorExportMember.export == previous).execute()
        ProcessorExport.update(row_count=len(members), removal_count=len(removals)) \
            .where(ProcessorExport.id == record.id).execute()
        audit.record("processor_export", None, actor=by,
                     detail=f"{recipient.key}: {len(members)} rows, {len(removals)} removals")
    removed = io.StringIO()
    removal_writer = csv.writer(removed)
    removal_writer.writerow(["email", "processor_id", "why"])
    for row in removals:
        removal_writer.writerow([csv_safe(value) for value in row])
    day = clock.now().strftime("%Y-%m-%d")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{recipient.key}-add-{day}.csv", rows.getvalue())
        zf.writestr(f"{recipient.key}-remove-{day}.csv", removed.getvalue())
    return f"{recipient.key}-{day}.zip", archive.getvalue(), (len(members), len(removals))


def _removals(recipient, previous, current):
    """Return (email or '', processor id, why) for everyone in the previous export but not in this one."""
    if previous is None:
        return []
    removals = []
    query = (ProcessorExportMember.select(ProcessorExportMember, Person)
             .join(Person, JOIN.LEFT_OUTER).where(ProcessorExportMember.export == previous))
    for member in query:
        if member.processor_id in current:
            continue
        person = member.person if member.person_id else None
        if person is None:
            removals.append(("", member.processor_id, "erased"))
        else:
            why = "restricted" if person.restricted_at else "no longer consents or objected"
            removals.append((person.email, member.processor_id, why))
    return removals
