"""The privacy notice: every Art. 13 item from the register definition, in both
languages, versioned; and the record of processing activities (Art. 30)."""

import pytest
from markupsafe import escape
from support import Web

from portal.config import PROJECT_ROOT
from portal.consents.models import ConsentEvent
from portal.register.versions import NoticeVersion

REGISTERS = {"bloomlead": "registers/bloomlead.toml", "liikkuvat_puntit": "registers/liikkuvat-puntit.toml"}
SECTIONS = ("controller", "contact", "subjects", "purposes", "interests", "categories", "sources", "recipients",
            "transfers", "rights", "complaint", "security", "cookies", "changes")
RIGHT_PAGES = ("/account/data", "/account/export", "/account", "/account/delete", "/account/restrict",
               "/account/consents", "/preferences", "/privacy/request")


@pytest.mark.parametrize("key", REGISTERS)
@pytest.mark.parametrize("language", ["fi", "en"])
def test_notice_has_every_article_13_item(make_app, key, language):
    app = make_app(env={"PORTAL_REGISTER": REGISTERS[key]})
    register = app.extensions["register"]
    page = app.test_client().get(f"/privacy?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    shown = lambda text: str(escape(text)) in page  # noqa: E731 (as the page escapes it)
    for section in SECTIONS:
        assert f'id="{section}"' in page, section
    assert shown(register.controller.name) and shown(register.contact_person.name)
    assert shown(register.register.data_subjects[language]) and shown(register.register.security[language])
    for purpose in register.purposes.values():
        assert shown(purpose.title[language]) and shown(purpose.description[language])
    for category in register.categories.values():
        assert shown(category.retention_text[language])
    for source in register.sources.values():
        assert shown(source.title[language])
    for recipient in register.recipients.values():
        assert shown(recipient.name) and shown(recipient.location)
    for path in RIGHT_PAGES:
        assert f'href="{path}"' in page, path
    assert "tietoSuoja.fi".lower() in page.lower() and "00531 Helsinki" in page
    for change in register.changes:
        assert shown(change.summary[language])


def test_register_b_notice_names_the_mailchimp_transfer(make_app):
    app = make_app(env={"PORTAL_REGISTER": REGISTERS["liikkuvat_puntit"]})
    page = app.test_client().get("/privacy?lang=en").get_data(as_text=True)
    transfers = page[page.index('id="transfers"'):page.index('id="rights"')]
    assert "Mailchimp" in transfers and "email address, first name" in transfers
    assert "EU Standard Contractual Clauses" in transfers


def test_a_changed_definition_becomes_a_new_version_and_the_old_stays_readable(make_app, tmp_path, member):
    first = make_app()
    with first.app_context():
        original, = NoticeVersion.select()
    assert original.label == "2025-12-21"
    account = member()
    with first.app_context():
        from portal.accounts.models import Account
        Account.update(notice_seen=original.id).where(Account.id == account.id).execute()
    web = Web(first)
    web.login()
    assert "on muuttunut edellisen" not in web.get("/account").get_data(as_text=True).lower()

    changed = tmp_path / "changed.toml"
    text = (PROJECT_ROOT / "registers" / "bloomlead.toml").read_text()
    changed.write_text(text.replace("Hämeenpuisto 14 A 2", "Hämeenpuisto 16 B 3", 1))
    second = make_app(env={"PORTAL_REGISTER": str(changed)})
    with second.app_context():
        versions = list(NoticeVersion.select().order_by(NoticeVersion.id))
    assert [v.label for v in versions] == ["2025-12-21", "2025-12-21-2"]
    client = Web(second)
    assert "Hämeenpuisto 16 B 3" in client.get("/privacy").get_data(as_text=True)
    old = client.get("/privacy/2025-12-21").get_data(as_text=True)
    assert "Hämeenpuisto 14 A 2" in old and "aiempi versio" in old.lower()
    assert client.get("/privacy/no-such-version").status_code == 404

    # The member sees a banner once, and consent events record the new version.
    client.login()
    banner = client.get("/account").get_data(as_text=True)
    assert "on muuttunut edellisen" in banner.lower()
    assert client.post("/privacy/seen", {"next": "/account"}).status_code == 303
    assert "on muuttunut edellisen" not in client.get("/account").get_data(as_text=True).lower()
    client.post("/account/consents/newsletter", {"action": "grant"})
    with second.app_context():
        assert ConsentEvent.get().notice_version == "2025-12-21-2"


def test_the_same_definition_is_one_version(make_app):
    make_app()
    app = make_app()
    with app.app_context():
        assert NoticeVersion.select().count() == 1


@pytest.mark.parametrize("key", REGISTERS)
def test_ropa_prints_the_record_of_processing(make_app, key):
    app = make_app(env={"PORTAL_REGISTER": REGISTERS[key]})
    register = app.extensions["register"]
    markdown = app.test_cli_runner().invoke(args=["register", "ropa", "--lang", "en"])
    assert markdown.exit_code == 0, markdown.output
    for purpose in register.purposes.values():
        assert f"## {purpose.title['en']}" in markdown.output
    for heading in ("Legal basis", "Data subjects", "Recipients", "Transfers outside the EU/EEA", "Retention",
                    "Security measures"):
        assert f"**{heading}:**" in markdown.output
    assert register.controller.name in markdown.output
    table = app.test_cli_runner().invoke(args=["register", "ropa", "--format", "csv"])
    lines = table.output.strip().splitlines()
    assert lines[0].startswith("Tarkoitus,Oikeusperuste") and len(lines) >= len(register.purposes) + 1


def test_every_form_that_collects_data_says_why_and_links_the_notice(web, member):
    """Art. 13: at the point of collection each form says what the data is for and links the privacy notice."""
    import re

    from portal.orders import service as orders
    with web.app.test_request_context():
        product = orders.save_product(name="Webinaari", price_cents=4990, vat_rate_bp=2550)
    pages = {path: web.get(path).get_data(as_text=True) for path in ("/signup", "/subscribe/newsletter",
                                                                     "/privacy/request")}
    member()
    web.login()
    pages["buy"] = web.get(f"/shop/{product.id}/buy").get_data(as_text=True)
    for name, page in pages.items():
        forms = [f for f in re.findall(r"<form\b.*?</form>", page, re.S) if 'class="primary"' in f]
        assert forms, name
        for form in forms:
            assert re.search(r'<p class="notice">\s*\S[^<]{20,}<a href="/privacy">', form), name
