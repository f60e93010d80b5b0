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
# The locks (requirements/*.txt, `make lock`): every Python package, transitive ones included, with
# the hashes of its files, resolved for CPython 3.11 on Linux x86_64. pip and uv are pinned here.
PIP_VERSION := 26.3
UV_VERSION := 0.13.8
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" -q $(LOCK_FLAGS)

# mysqlclient compiles against the MariaDB client headers; the fonts are the
# embeddable TrueType CJK fonts for printing (Song, Kai, Hei); mariadb-client's mariadb-dump and mariadb
# write and load a MariaDB site's backup (manage.py backup / restore).
RUN_PACKAGES := default-libmysqlclient-dev pkg-config gcc mariadb-client fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
# Debian's Chromium for the browser tests (never `playwright install`); Node.js
# runs the real Frappe client library (frappe-js-sdk) against the server.
TEST_PACKAGES := chromium poppler-utils mariadb-server-core redis-server

# The workbench (/app/): a Vue app built with Vite from its sources; rebuilt only when they or the lock change.
FRONTEND := apps/innovation_action/frontend
FRONTEND_BUILT := apps/innovation_action/static/workbench/.built
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -type f 2>/dev/null) $(wildcard $(FRONTEND)/*.js $(FRONTEND)/*.html)

.PHONY: run test bench bench-http bench-load bench-national lock setup site clean frontend

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

# Exactly the locked versions (pip refuses a file whose hash differs, or a package missing from the
# lock), then the project itself without resolving anything again.
$(VENV)/.installed: requirements/run.txt pyproject.toml
	bash scripts/ensure_system_packages.sh $(RUN_PACKAGES)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q pip==$(PIP_VERSION)
	$(PY) -m pip install -q --require-hashes -r requirements/run.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# The test and bench extras: requirements/test.txt holds requirements/run.txt's versions and more.
# The Node packages of the Frappe client test come from their package-lock.json (npm ci checks each
# package's integrity hash).
$(VENV)/.installed-test: $(VENV)/.installed requirements/test.txt tests/frappe_client/package-lock.json
	bash scripts/ensure_system_packages.sh $(TEST_PACKAGES)
	command -v npm >/dev/null || bash scripts/ensure_system_packages.sh nodejs npm
	$(PY) -m pip install -q --require-hashes -r requirements/test.txt
	cd tests/frappe_client && npm ci --no-audit --no-fund --silent
	touch $@

# The locks again from pyproject.toml, after a pin there changed. Versions already locked are kept
# where they still fit; `make lock LOCK_FLAGS=--upgrade` moves the transitive ones to their newest.
# requirements/test.txt is constrained by requirements/run.txt: both install the same shared versions.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q uv==$(UV_VERSION)
	$(LOCK) -o requirements/run.txt
	$(LOCK) --extra test --extra bench -c requirements/run.txt -o requirements/test.txt

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

# Roles' realistic mixes at 50 and 200 concurrent users with Locust, the API against bare views in the
# same run (gunicorn as the Procfile runs it, an RQ worker, MariaDB, Redis): its own site "loadbench"
# (database innovation_action_loadbench, Redis db 12); see README.md, Benchmarks.
bench-load: $(VENV)/.installed-test
	$(PY) bench/load.py $(BENCH_ARGS)

# National scale (issue 19): 3,000 assessees in 30 categories × 20 indicators × 4 quarters on its own
# MariaDB site "national" (database innovation_action_national, Redis db 13). BENCH_ARGS=--skip-setup reuses it.
bench-national: $(VENV)/.installed
	$(PY) bench/national.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles sites/default/db.sqlite3 $(FRONTEND)/node_modules apps/innovation_action/static/workbench
