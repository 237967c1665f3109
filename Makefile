# Two commands (see README): `make run` serves the marketplace, `make test` runs every test.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install chromium migrate demo serve bench-directory bench-bidding bench-credit bench-notifications bench-opendata clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed
	$(BIN)/python manage.py compile_translations

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	$(BIN)/python manage.py load_demo --once --url http://$(HOST):$(PORT)/

# Daphne serves HTTP and WebSockets; one Celery worker with embedded beat beside it delivers
# notifications and runs the periodic steps (deadlines; marketplace/periodic.py). With no
# REDIS_URL its broker is a folder (.celery/), so nothing else needs to run.
serve:
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/celery -A marketplace worker -B --pool=solo --loglevel=WARNING > worker.log 2>&1 & \
	  trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/daphne -b $(HOST) -p $(PORT) marketplace.asgi:application

run: demo serve

# Debian's chromium drives the browser tests (Playwright launches it by path); a CJK font makes
# its screenshots of our Chinese pages legible.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) >/dev/null \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: chromium missing and not root; browser tests will be skipped"; fi; }

# Two workers (this project's machines have two cores). On SQLite the test databases are files
# kept between runs (.pytest-db*.sqlite3, one per worker) and rebuilt only when a migration
# changed since the last run; CI starts from a fresh clone, so it always builds them anew.
TEST_WORKERS ?= 2
MIGRATIONS_SUM = $(shell cat */migrations/*.py 2>/dev/null | sha1sum | cut -c1-12)
test: install chromium
	@if [ -n "$$DATABASE_URL" ]; then \
	  $(BIN)/python -m pytest -n $(TEST_WORKERS) --create-db $(PYTEST_ARGS); \
	else \
	  create=--create-db; [ "$$(cat .pytest-db.sum 2>/dev/null)" = "$(MIGRATIONS_SUM)" ] && create=; \
	  TEST_DB_NAME=$(CURDIR)/.pytest-db.sqlite3 $(BIN)/python -m pytest -n $(TEST_WORKERS) $$create $(PYTEST_ARGS); \
	  status=$$?; echo "$(MIGRATIONS_SUM)" > .pytest-db.sum; exit $$status; \
	fi

# The floors hold (import-linter contracts in pyproject.toml) and the code is clean (ruff).
lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .

bench-directory: install
	$(BIN)/python bench/directory.py

bench-bidding: install
	$(BIN)/python bench/bidding.py

bench-credit: install
	$(BIN)/python bench/credit.py

bench-notifications: install
	$(BIN)/python bench/notifications.py

bench-opendata: install
	$(BIN)/python bench/opendata.py

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles .demo-loaded .pytest-db* .celery
