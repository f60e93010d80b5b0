# Two commands do everything on a fresh Debian machine (see README.md):
#   make run    set up and serve the system on http://127.0.0.1:8000
#   make test   run the whole test suite
#   make site NAME=district [DB=mariadb|sqlite] ADMIN_PASSWORD=…   a new, empty site for another jurisdiction
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PLAN ?= fixtures/ganzhou-2023

# mysqlclient compiles against the MariaDB client headers; the fonts are the
# embeddable TrueType CJK fonts for printing (Song, Kai, Hei).
RUN_PACKAGES := default-libmysqlclient-dev pkg-config gcc fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
# Debian's Chromium for the browser tests (never `playwright install`); Node.js
# runs the real Frappe client library (frappe-js-sdk) against the server.
TEST_PACKAGES := chromium poppler-utils

# The workbench (/app/): a Vue app built with Vite from its sources; rebuilt only when they or the lock change.
FRONTEND := apps/innovation_action/frontend
FRONTEND_BUILT := apps/innovation_action/static/workbench/.built
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -type f 2>/dev/null) $(wildcard $(FRONTEND)/*.js $(FRONTEND)/*.html)

.PHONY: run test bench bench-http setup site clean frontend

run: setup frontend
	@$(PY) manage.py setup_roles --demo
	@echo "系统已就绪：http://$(HOST):$(PORT)/admin/"
	@echo "工作台：http://$(HOST):$(PORT)/app/"
	$(PY) manage.py runserver $(HOST):$(PORT)

setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_plan $(PLAN)

# A new site (sites/$(NAME)/): its own database (MariaDB when it answers on 127.0.0.1:3306, else SQLite;
# DB= chooses), the roles, default workflows and print formats, the account Administrator. ADMIN_PASSWORD
# reaches manage.py through the environment (make exports command-line variables); without it, it asks.
site: $(VENV)/.installed
	@test -n "$(NAME)" || { echo "用法：make site NAME=district [DB=mariadb|sqlite] ADMIN_PASSWORD=…" >&2; exit 2; }
	$(PY) manage.py new_site $(NAME) $(if $(DB),--db-type $(DB))

test: $(VENV)/.installed-test frontend
	bash scripts/run_tests.sh

frontend: $(FRONTEND_BUILT)

# npm ci only when the lock changed (node_modules/.installed); the build writes the stamp last.
$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package-lock.json
	command -v npm >/dev/null || bash scripts/ensure_system_packages.sh nodejs npm
	cd $(FRONTEND) && npm ci --no-audit --no-fund --silent
	touch $@

$(FRONTEND_BUILT): $(FRONTEND)/node_modules/.installed $(FRONTEND)/package.json $(FRONTEND_SOURCES)
	cd $(FRONTEND) && npm run build --silent
	touch $@

$(VENV)/.installed: pyproject.toml
	bash scripts/ensure_system_packages.sh $(RUN_PACKAGES)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed tests/frappe_client/package-lock.json
	bash scripts/ensure_system_packages.sh $(TEST_PACKAGES)
	command -v npm >/dev/null || bash scripts/ensure_system_packages.sh nodejs npm
	$(PY) -m pip install -q -e '.[test]'
	cd tests/frappe_client && npm ci --no-audit --no-fund --silent
	touch $@

bench: setup
	@$(PY) manage.py setup_roles --demo >/dev/null
	$(PY) bench/api_list.py
	$(PY) bench/workflow.py
	$(PY) bench/scoring.py
	$(PY) bench/api_http.py

# The API against bare Django views over HTTP (gunicorn, MariaDB): its own site "bench", created on
# the local MariaDB (root@127.0.0.1, no password) unless sites/bench/site_config.json says otherwise.
bench-http: $(VENV)/.installed
	$(PY) bench/api_http.py

clean:
	rm -rf $(VENV) staticfiles sites/default/db.sqlite3 $(FRONTEND)/node_modules apps/innovation_action/static/workbench
