"""`flask --app portal register ropa`: the record of processing activities (Art. 30(1)).

Built from the same register definition as the privacy notice: one activity
per purpose, with the controller, the data subjects, the categories of data,
recipients, transfers and their safeguards, retention and security measures.
"""
import csv
import io

import click
from flask.cli import AppGroup

from ..register import get_register

register_cli = AppGroup("register", help="Read the register definition.")

TRANSFERS = {"fi": {"none": "ei siirtoa EU:n/ETA:n ulkopuolelle", "adequacy": "EU:n tietosuojan riittävyyspäätös",
                    "scc": "EU:n vakiosopimuslausekkeet"},
             "en": {"none": "no transfer outside the EU/EEA", "adequacy": "EU adequacy decision",
                    "scc": "EU Standard Contractual Clauses"}}
HEADINGS = {
    "fi": ("Tarkoitus", "Oikeusperuste", "Rekisteröidyt", "Henkilötietoryhmät", "Vastaanottajat",
           "Siirrot EU:n/ETA:n ulkopuolelle", "Säilytysajat", "Turvatoimet"),
    "en": ("Purpose", "Legal basis", "Data subjects", "Categories of personal data", "Recipients",
           "Transfers outside the EU/EEA", "Retention", "Security measures"),
}


def activities(register, lang):
    """Return one row per purpose: the Art. 30(1)(b)-(g) items as text."""
    rows = []
    for purpose in register.purposes.values():
        categories = [c for c in register.categories.values() if purpose.key in c.purposes]
        recipients = [r for r in register.recipients.values() if purpose.key in r.purposes]
        transfers = [f"{r.name} ({r.location}): {TRANSFERS[lang][r.transfer]}"
                     for r in recipients if r.transfer != "none"]
        rows.append((
            f"{purpose.title[lang]}: {purpose.description[lang]}",
            purpose.basis,
            register.register.data_subjects[lang],
            "; ".join(f"{c.title[lang]} ({', '.join(c.fields)})" for c in categories),
            "; ".join(f"{r.name}: {', '.join(r.fields)}" for r in recipients),
            "; ".join(transfers) or TRANSFERS[lang]["none"],
            "; ".join(f"{c.title[lang]}: {c.retention_text[lang]}" for c in categories),
            register.register.security[lang],
        ))
    return rows


def as_markdown(register, lang):
    """Return the record as Markdown."""
    c = register.controller
    title = "Seloste käsittelytoimista" if lang == "fi" else "Record of processing activities"
    lines = [f"# {title}: {register.register.name[lang]}", "",
             f"- {'Rekisterinpitäjä' if lang == 'fi' else 'Controller'}: {c.name}"
             + (f", {c.business_id}" if c.get("business_id") else "") + f", {c.address}"
             + (f", {c.email}" if c.get("email") else "") + (f", {c.phone}" if c.get("phone") else ""),
             f"- {'Yhteyshenkilö' if lang == 'fi' else 'Contact person'}: {register.contact_person.name}",
             f"- {'Selosteen versio' if lang == 'fi' else 'Notice version'}: {register.notice_version}", ""]
    for row in activities(register, lang):
        lines.append(f"## {row[0].split(':', 1)[0]}")
        lines.append("")
        for heading, value in zip(HEADINGS[lang], row, strict=True):
            lines.append(f"- **{heading}:** {value}")
        lines.append("")
    return "\n".join(lines)


def as_csv(register, lang):
    """Return the record as CSV, one row per purpose."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS[lang])
    writer.writerows(activities(register, lang))
    return out.getvalue()


@register_cli.command("ropa")
@click.option("--format", "fmt", type=click.Choice(["markdown", "csv"]), default="markdown", show_default=True)
@click.option("--lang", type=click.Choice(["fi", "en"]), default="fi", show_default=True)
def ropa_command(fmt, lang):
    """Print the record of processing activities (Art. 30) from the register definition."""
    register = get_register()
    click.echo(as_markdown(register, lang) if fmt == "markdown" else as_csv(register, lang), nl=False)
