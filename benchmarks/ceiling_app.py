"""The ceiling for a page like ours: a minimal Flask app that reads one row by
primary key with peewee and renders a layout template. No sessions, CSRF,
translations or security headers; `benchmarks/http_pages.py` serves it beside
the portal on the same database.
"""
import os
from urllib.parse import urlsplit

from flask import Flask, render_template
from jinja2 import DictLoader
from peewee import CharField, Model, SqliteDatabase

db = SqliteDatabase(urlsplit(os.environ["PORTAL_DATABASE_URL"]).path,
                    pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000})


class Person(Model):
    email = CharField()
    name = CharField()

    class Meta:
        database = db
        table_name = "person"


LAYOUT = """<!doctype html>
<html lang="fi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} · BloomLead</title>
  <link rel="stylesheet" href="/static/portal.css">
  <script src="/static/vendor/htmx-2.0.11.min.js" defer></script>
</head>
<body>
  <header class="site-header"><div class="wrap header-row">
    <a class="site-name" href="/">BloomLead</a>
    <nav><ul class="nav"><li><a href="/login">Kirjaudu sisään</a></li><li><a href="/signup">Liity</a></li></ul></nav>
  </div></header>
  <main id="main" class="wrap">
    <h1>{{ title }}</h1>
    <form method="post" action="/login">
      <div class="field"><label for="login">Sähköpostiosoite tai käyttäjätunnus</label>
        <input id="login" name="login" type="text" value="{{ person.email }}"></div>
      <div class="field"><label for="password">Salasana</label>
        <input id="password" name="password" type="password"></div>
      <button type="submit" class="primary">Kirjaudu sisään</button>
    </form>
    <p>{{ person.name }}</p>
  </main>
  <footer class="site-footer"><div class="wrap"><p>MT Business Coaching Oy</p></div></footer>
</body>
</html>"""

app = Flask(__name__)
app.jinja_loader = DictLoader({"layout.html": LAYOUT})  # compiled once, cached like ours


@app.get("/")
def page():
    """Render the layout around one person fetched by primary key."""
    person = Person.get_by_id(1)
    return render_template("layout.html", title="Kirjaudu sisään", person=person)


@app.get("/healthz")
def health():
    return "ok"
