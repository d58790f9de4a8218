"""Identities never reused: a deleted person's or account's id is never given to anyone else.

What outlives a person (audit rows, requests, vouchers) names them by id, so a
reused id would hand the erased person's history to a newcomer.
"""
import sqlite3

from peewee import SqliteDatabase
from staff_support import enrolled_staff

from portal import clock
from portal.accounts.models import Account
from portal.appointments.service import record_appointment
from portal.audit.models import AuditEntry
from portal.orders import service as orders
from portal.people.models import Person
from portal.rights.erasure import erase_person
from portal.rights.requests import record_request

BILLING = {"name": "Eero Erased", "street": "Kauppakatu 3", "postal_code": "33100", "city": "Tampere"}


def test_the_newest_persons_id_is_never_given_to_the_next_person(app, member):
    staff, web = enrolled_staff(app, member)
    gone = member(email="eero@example.fi", name="Eero Erased")
    with app.test_request_context():
        person = gone.person
        product = orders.save_product(name="Myyntiwebinaari", price_cents=4990, vat_rate_bp=2550)
        order = orders.record_order(person, [(product, 1)], BILLING, staff, paid=True)
        record_appointment(person, "visit", clock.now(), "Kehonkoostumusmittaus", 45, "Eeron mittaus", staff)
        record_request("eero@example.fi", "rectification", "letter", clock.now(), "Eeron kirje", None, staff)
    assert web.get(f"/admin/people/{person.id}").status_code == 200  # audited: person_viewed
    with app.test_request_context():
        erase_person(Person.get_by_id(person.id), by="self")
        newcomer = member(email="uusi@example.fi", name="Uusi Ihminen")
        assert newcomer.person_id > person.id and newcomer.id > gone.id
        assert Person.select().where(Person.id == person.id).count() == 0
        assert Account.select().where(Account.id == gone.id).count() == 0
    assert web.get(f"/admin/people/{person.id}").status_code == 404  # the old staff link opens nobody
    page = web.get(f"/admin/people/{newcomer.person_id}").get_data(as_text=True)
    for trace in (order.reference, "Kehonkoostumusmittaus", "Eeron", "Eero"):
        assert trace not in page
    with app.app_context():
        trail = {e.action for e in AuditEntry.select().where(AuditEntry.person_id == newcomer.person_id)}
    assert trail == {"person_viewed"}  # none of the erased person's trail (order, visit, request, erasure)


def test_the_migration_keeps_every_row_and_starts_above_ids_that_outlive_their_person(tmp_path):
    from portal.db import runner
    path = tmp_path / "old.db"
    db = SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    migrations = runner(db)
    migrations.up("0006_recovery_code_salt")
    rows = ", ".join(f"({n}, 'p{n}@example.fi', 'P{n}', 'fi', 'test', 'member', '2026-01-01', '2026-01-01')"
                     for n in (1, 2, 3))
    db.execute_sql("INSERT INTO person (id, email, name, language, source, status, created_at, updated_at) "
                   f"VALUES {rows}")
    db.execute_sql("INSERT INTO account (person_id, username, password_hash, role, state, created_at, "
                   "password_changed_at) VALUES (2, 'p2', 'x', 'member', 'active', '2026-01-01', '2026-01-01')")
    db.execute_sql("INSERT INTO consent_event (person_id, purpose, action, basis, occurred_at, source_kind, "
                   "source, notice_version, network) VALUES (2, 'newsletter', 'granted', 'consent', "
                   "'2026-01-01', 'page', 'test', 'x', '')")
    db.execute_sql("DELETE FROM person WHERE id = 3")  # erased before the migration: only its audit row is left
    db.execute_sql("INSERT INTO audit_entry (occurred_at, actor_id, actor_role, person_id, action, detail, "
                   "network) VALUES ('2026-01-02', 7, 'admin', 3, 'person_erased', '', '')")
    migrations.up()
    assert db.execute_sql("SELECT id FROM person ORDER BY id").fetchall() == [(1,), (2,)]
    assert db.execute_sql("SELECT person_id FROM account").fetchall() == [(2,)]
    assert db.execute_sql("SELECT count(*) FROM consent_event").fetchone() == (1,)
    db.execute_sql("INSERT INTO person (email, name, language, source, status, created_at, updated_at) "
                   "VALUES ('new@example.fi', 'N', 'fi', 'test', 'member', '2026-01-03', '2026-01-03')")
    assert db.execute_sql("SELECT id FROM person WHERE email = 'new@example.fi'").fetchone() == (4,)
    db.execute_sql("INSERT INTO account (person_id, username, password_hash, role, state, created_at, "
                   "password_changed_at) VALUES (4, 'n', 'x', 'member', 'active', '2026-01-03', '2026-01-03')")
    assert db.execute_sql("SELECT id FROM account WHERE username = 'n'").fetchone() == (8,)  # above actor 7
    try:  # the ledger's guard came back with the rebuilt person table
        db.execute_sql("DELETE FROM consent_event")
    except Exception as exc:  # noqa: BLE001 - sqlite3 and peewee name it differently
        assert "append-only" in str(exc)
    else:
        raise AssertionError("the ledger's delete guard is gone")
    db.execute_sql("DELETE FROM person WHERE id = 2")  # and the cascades still work
    assert db.execute_sql("SELECT count(*) FROM consent_event").fetchone() == (0,)
    assert db.execute_sql("SELECT count(*) FROM account").fetchone() == (1,)
    db.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
