"""The checks across a register definition's entries: what one entry names must exist.

`validate` in schema.py runs these once every entry has the right shape.
"""
from .fields import FIELD_NAMES


def check_references(data):
    """Check that what the definition names exists: purposes, sources, fields, versions."""
    problems = _purposes(data) + _forms(data) + _categories_and_recipients(data)
    if data["register"]["notice_version"] not in [c["version"] for c in data["changes"]]:
        problems.append("register.notice_version: must match the version of one [[changes]] entry")
    return problems


def _purposes(data):
    """Each purpose says what withdrawing means and, for consent, what the box says."""
    problems = []
    for index, purpose in enumerate(data["purposes"]):
        if purpose["basis"] in ("consent", "legitimate_interest") and "if_withdrawn" not in purpose:
            problems.append(f"purposes[{index}].if_withdrawn: is required for a "
                            f"{purpose['basis']} purpose (say what withdrawing or objecting means)")
        if purpose["basis"] == "consent" and "consent_text" not in purpose:
            problems.append(f"purposes[{index}].consent_text: is required for a consent purpose "
                            "(the sentence shown beside the box that grants it)")
        if purpose.get("soft_opt_in") and not (purpose["basis"] == "consent" and purpose.get("direct_marketing")):
            problems.append(f"purposes[{index}].soft_opt_in: only a direct-marketing consent purpose "
                            "can be offered to customers without consent (917/2014 §200(2))")
        if purpose.get("soft_opt_in") and "soft_opt_in_text" not in purpose:
            problems.append(f"purposes[{index}].soft_opt_in_text: is required with soft_opt_in "
                            "(the sentence beside the unticked box that refuses it at purchase)")
        if "soft_opt_in_text" in purpose and not purpose.get("soft_opt_in"):
            problems.append(f"purposes[{index}].soft_opt_in_text: only goes with soft_opt_in = true")
    used = {key for c in data["categories"] for key in c["purposes"]}
    for index, purpose in enumerate(data["purposes"]):
        if purpose["key"] not in used:
            problems.append(f"purposes[{index}].key: no data category serves purpose {purpose['key']!r}")
    return problems


def _forms(data):
    """Forms grant consent purposes only, name a source, and name their material in full."""
    problems = []
    sources = {s["key"] for s in data["sources"]}
    consent_purposes = {p["key"] for p in data["purposes"] if p["basis"] == "consent"}
    for index, form in enumerate(data.get("forms", [])):
        for name in ("purposes", "optional_purposes"):
            for key in form.get(name, []):
                if key not in consent_purposes:
                    problems.append(f"forms[{index}].{name}: {key!r} is not a consent purpose")
        if form["source"] not in sources:
            problems.append(f"forms[{index}].source: {form['source']!r} is not a source key")
        if ("material_file" in form) != ("material_title" in form):
            problems.append(f"forms[{index}].material_title: material_file and material_title go together")
        if "material_file" in form and ("/" in form["material_file"] or form["material_file"].startswith(".")):
            problems.append(f"forms[{index}].material_file: must be a plain file name in instance/materials/")
    return problems


def _categories_and_recipients(data):
    """Categories and recipients name purposes, sources and field keys that exist."""
    problems = []
    purposes = {p["key"] for p in data["purposes"]}
    sources = {s["key"] for s in data["sources"]}
    fields = {f for c in data["categories"] for f in c["fields"]}
    for index, category in enumerate(data["categories"]):
        for key in category["purposes"]:
            if key not in purposes:
                problems.append(f"categories[{index}].purposes: {key!r} is not a purpose key")
        for key in category["sources"]:
            if key not in sources:
                problems.append(f"categories[{index}].sources: {key!r} is not a source key")
        for key in category["fields"]:
            if key not in FIELD_NAMES:
                problems.append(f"categories[{index}].fields: {key!r} is not a field the portal knows "
                                f"(one of {', '.join(FIELD_NAMES)})")
    for index, recipient in enumerate(data["recipients"]):
        for key in recipient["purposes"]:
            if key not in purposes:
                problems.append(f"recipients[{index}].purposes: {key!r} is not a purpose key")
        for key in recipient["fields"]:
            if key not in fields:
                problems.append(f"recipients[{index}].fields: {key!r} is not a field of any category")
    return problems
