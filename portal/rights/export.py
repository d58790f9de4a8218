"""A person's data as a ZIP, written as a stream (Art. 15 and 20).

The archive holds `data.json` (everything, machine-readable, described by
docs/export-schema.json), one CSV per table, and `README.html` explaining
every field in the person's language. Rows are read lazily and the archive
is handed out chunk by chunk, so memory does not grow with the history.
"""
import csv
import io
import json
import zipfile

from flask import render_template
from flask_babel import force_locale

from .. import clock
from ..personal_data import csv_safe
from ..register import get_register
from .registry import tables

FORMAT = "portal-export/1"


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream whose written bytes are taken in chunks."""

    def __init__(self):
        self.chunks, self.position = [], 0

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def take(self):
        data, self.chunks = b"".join(self.chunks), []
        return data


def processing_info(language):
    """Return the Art. 15 processing information from the register definition."""
    register = get_register()
    return {
        "controller": dict(register.controller),
        "contact_person": dict(register.contact_person),
        "purposes": [{"key": p.key, "basis": p.basis, "title": p.title[language],
                      "description": p.description[language]} for p in register.purposes.values()],
        "categories": [{"key": c.key, "title": c.title[language], "purposes": c.purposes,
                        "retention": c.retention_text[language]} for c in register.categories.values()],
        "recipients": [{"name": r.name, "kind": r.kind, "location": r.location, "transfer": r.transfer,
                        "fields": r.fields} for r in register.recipients.values()],
        "sources": [s.title[language] for s in register.sources.values()],
    }


def export_zip(person, language):
    """Yield the bytes of the person's export archive."""
    parts = tables()
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)
    with archive.open("data.json", "w") as out:
        head = {"format": FORMAT, "generated_at": clock.now().isoformat(), "language": language,
                "processing": processing_info(language)}
        out.write(json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "tables": {')
        for index, table in enumerate(parts):
            out.write((", " if index else "").encode() + json.dumps(table.name).encode() + b": [")
            for number, row in enumerate(table.rows(person)):
                out.write((", " if number else "").encode() + json.dumps(row, ensure_ascii=False).encode())
                yield sink.take()
            out.write(b"]")
        out.write(b"}}")
    yield sink.take()
    for table in parts:
        with archive.open(f"{table.name}.csv", "w") as out:
            names = [f.name for f in table.fields]
            out.write(_csv_line(names))
            for row in table.rows(person):
                out.write(_csv_line([csv_safe(row.get(name)) for name in names]))
                yield sink.take()
        yield sink.take()
    with force_locale(language):
        guide = render_template("rights/export_readme.html", tables=parts, language=language,
                                register=get_register(), generated_at=clock.now())
    archive.writestr("README.html", guide)
    archive.close()
    yield sink.take()


def _csv_line(values):
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue().encode("utf-8")


def json_schema():
    """Return the JSON Schema of data.json, built from the concerns' table descriptions."""
    parts = tables()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "A person's data export (data.json)",
        "type": "object",
        "required": ["format", "generated_at", "language", "processing", "tables"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "generated_at": {"type": "string", "description": "UTC time, ISO 8601"},
            "language": {"enum": ["fi", "en"]},
            "processing": {"type": "object", "description": "Purposes, legal bases, categories, retention, "
                                                              "recipients and sources from the privacy notice"},
            "tables": {
                "type": "object",
                "required": [t.name for t in parts],
                "additionalProperties": False,
                "properties": {t.name: {
                    "type": "array",
                    "description": str(t.title),
                    "items": {"type": "object", "additionalProperties": False,
                              "required": [f.name for f in t.fields],
                              "properties": {f.name: {**f.schema(), "description": str(f.meaning)}
                                             for f in t.fields}},
                } for t in parts},
            },
        },
    }
