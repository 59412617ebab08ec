# The two commands: `make run` (set up and serve the portal with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run setup test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

# The demo records trigger notifications: discard those emails instead of printing them.
setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend $(BIN)/python manage.py demo_data

# The scheduler runs beside the web server so SLA warnings, breaches and the nightly
# auto-close happen in the demo too (tasks run inline without a broker).
run: setup
	@echo "Portal: http://$(HOST)/  admin: http://$(HOST)/admin/  API: http://$(HOST)/api/v1/  docs: http://$(HOST)/api/docs/"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A itsm beat --loglevel=WARNING --schedule $(VENV)/celerybeat-schedule & \
	$(BIN)/python manage.py runserver $(HOST)

# One worker per core (pytest-xdist; an idle worker takes queued tests from a busy one);
# PYTEST_ARGS="-n 0" runs serially.
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3 media test-artifacts
