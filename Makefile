# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal

.PHONY: run test test-sqlite test-postgresql worker translations benchmark clean

run: $(VENV)/installed
	$(FLASK) db upgrade
	@mkdir -p instance/materials && cp -n registers/materials/*.pdf instance/materials/ 2>/dev/null || true
	$(FLASK) dev

worker: $(VENV)/installed
	$(FLASK) worker

test: $(VENV)/installed-test
	$(BIN)/ruff check .
	$(BIN)/pytest
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL ($$PORTAL_TEST_DATABASE_URL)"; \
		$(BIN)/pytest --db=postgresql; \
	else \
		echo "PORTAL_TEST_DATABASE_URL is not set: the PostgreSQL run was skipped."; \
	fi

$(VENV)/created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/installed: $(VENV)/created pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/installed-test: $(VENV)/installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Extract the strings, merge them into the catalogues and compile them.
translations: $(VENV)/installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot --no-location --omit-header --sort-output --no-wrap .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching --no-wrap
	sed -i -e '/^"POT-Creation-Date: /d' -e '/^"PO-Revision-Date: /d' portal/translations/*/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -d portal/translations

benchmark: $(VENV)/installed-test
	$(BIN)/python benchmarks/http_pages.py

clean:
	rm -rf $(VENV)
