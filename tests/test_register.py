"""The register definitions load, and a broken one stops start-up naming file and field."""
import pytest

from portal.config import PROJECT_ROOT
from portal.register import RegisterError, load_register

REGISTERS = PROJECT_ROOT / "registers"


@pytest.mark.parametrize("name, key, approval", [("bloomlead.toml", "bloomlead", False),
                                                 ("liikkuvat-puntit.toml", "liikkuvat_puntit", True)])
def test_shipped_definitions_load(name, key, approval):
    register = load_register(REGISTERS / name)
    assert register.key == key and register.requires_approval is approval
    assert register.controller.name and register.contact_person.name
    bases = {p.basis for p in register.purposes.values()}
    assert {"consent", "contract"} <= bases
    for category in register.categories.values():
        assert category.retention and category.text("retention_text", "fi") and category.text("retention_text", "en")
    for recipient in register.recipients.values():
        assert recipient.location and recipient.transfer in ("none", "adequacy", "scc") and recipient.fields


def test_register_a_promises_what_the_notice_says():
    register = load_register(REGISTERS / "bloomlead.toml")
    assert register.controller.business_id == "3166661-4"
    assert {key for key, p in register.purposes.items() if p.basis == "consent"} == \
        {"newsletter", "marketing", "free_materials", "tracking"}
    interests = {key for key, p in register.purposes.items() if p.basis == "legitimate_interest"}
    assert interests == {"community", "profiles"}


def test_register_b_sends_only_email_and_first_name_to_mailchimp():
    register = load_register(REGISTERS / "liikkuvat-puntit.toml")
    mailchimp = next(r for r in register.recipients.values() if "Mailchimp" in r.name)
    assert mailchimp.fields == ["email", "first_name"] and mailchimp.transfer == "scc"


def broken(tmp_path, old, new):
    text = (REGISTERS / "bloomlead.toml").read_text()
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old, new, field", [
    ('basis = "consent"', 'basis = "consnet"', "purposes[0].basis"),
    ('key = "bloomlead"', 'key = "Bloom Lead"', "register.key"),
    ('requires_approval = false', 'requires_approval = "no"', "membership.requires_approval"),
    ('[contact_person]', '[contact_persons]', "contact_persons"),
    ('title = { fi = "Uutiskirje", en = "Newsletter" }', 'title = { fi = "Uutiskirje" }', "purposes[0].title"),
    ('fields = ["name", "email", "phone", "language"]', 'fields = ["name", "email", "shoe_size"]',
     "categories[0].fields"),
])
def test_an_invalid_definition_names_the_file_and_the_field(tmp_path, old, new, field):
    with pytest.raises(RegisterError) as error:
        load_register(broken(tmp_path, old, new))
    assert "broken.toml" in error.value.message and field in error.value.message


def test_a_bad_retention_rule_is_explained(tmp_path):
    path = broken(tmp_path, 'retention = "while_account_active"', 'retention = "forever"')
    with pytest.raises(RegisterError) as error:
        load_register(path)
    assert ".retention" in error.value.message and "until_withdrawn" in error.value.message


def test_not_toml_at_all(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("this is = = not toml")
    with pytest.raises(RegisterError) as error:
        load_register(path)
    assert "x.toml" in error.value.message and "TOML" in error.value.message


def test_start_up_stops_on_an_invalid_definition(make_app, tmp_path):
    path = broken(tmp_path, 'basis = "consent"', 'basis = "consnet"')
    with pytest.raises(RegisterError):
        make_app(env={"PORTAL_REGISTER": str(path)})
