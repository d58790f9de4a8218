"""Run every retention rule and report, per data category of the definition, what went.

`run(apply)` runs each rule in its own transaction (a rule that fails leaves
the others done) and returns the report; with `apply` false nothing changes
and the counts say what a run would remove now. A run that removed anything
writes one audit entry with the totals (no personal data).
"""
from dataclasses import dataclass, field

from flask import current_app

from .. import audit, clock
from ..db import database
from ..register import get_register
from .rules import RULES, Context


@dataclass
class Section:
    """One data category of the definition (or the rest) and what its rules removed."""

    key: str
    retention: str
    items: list = field(default_factory=list)

    @property
    def total(self):
        return sum(item.count for item in self.items)


def run(apply=True, now=None):
    """Apply (or only count) every rule; return the report as a list of Sections."""
    register = get_register()
    ctx = Context(now=now or clock.now(), register=register,
                  keep_bodies=current_app.config.get("MAIL_KEEP_SENT_BODIES", False))
    items = []
    for rule in RULES:
        with database.atomic():
            items.extend(rule(ctx, apply))
    report = group(register, items)
    removed = sum(section.total for section in report)
    if apply and removed:
        with database.atomic():
            audit.record("retention_run", None, detail=", ".join(
                f"{s.key}: {s.total}" for s in report if s.total)[:200])
    return report


def group(register, items):
    """Return Sections in definition order, each with the items of its fields."""
    sections = {key: Section(key, c.retention) for key, c in register.categories.items()}
    rest = Section("other", "not named in the definition")
    for item in items:
        category = register.category_with_field(item.field)
        (sections[category.key] if category else rest).items.append(item)
    return list(sections.values()) + ([rest] if rest.items else [])


def render(report, register, apply, now):
    """Return the report as lines of text for the command line."""
    lines = [f"retention {'run' if apply else 'dry run: nothing is removed'} · {register.key} · "
             f"{now:%Y-%m-%d %H:%M} UTC"]
    verb = "removed" if apply else "would remove"
    for section in report:
        lines.append(f"{section.key} ({section.retention}): {verb} {section.total}")
        for item in section.items:
            lines.append(f"  {item.count:>9}  {item.label}")
        if not section.items:
            lines.append("          -  nothing of this is stored by the portal")
    lines.append(f"total: {verb} {sum(s.total for s in report)}")
    return lines
