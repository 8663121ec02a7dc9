# ectalign: `make demo` to try it, `make test` to check it. Both start with `make install`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | sha1sum | cut -c1-12)
# Debian packages the suite needs: Chromium for browser journeys, poppler-utils to read
# PDFs back, HarfBuzz's subsetter so WeasyPrint takes its fast font path.
DEB_PACKAGES := chromium poppler-utils libharfbuzz-subset0 fonts-dejavu-core
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install system-deps demo serve test bench bench-http lock clean

install: $(STAMP)

$(STAMP): requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Installs missing Debian packages when run as root; otherwise says what is missing.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    (apt-get install -y -q --no-install-recommends $$missing >/dev/null || \
	     (apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $$missing >/dev/null)); \
	  else echo "Missing Debian packages (run as root or install them):$$missing"; exit 1; fi; \
	fi

demo: install
	DEMO_MODE=true $(PY) manage.py migrate --noinput
	DEMO_MODE=true $(PY) manage.py seed_demo
	@echo "Serving the demo on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DEMO_MODE=true $(PY) manage.py runserver $(HOST):$(PORT)

# pytest's exit code 5 (no tests collected) is a failure, never a pass.
test: install system-deps
	@$(PY) -m pytest -n 2 $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "FAIL: pytest collected no tests" >&2; exit 1; fi; exit $$rc

bench: install
	$(PY) -m bench

bench-http: install
	$(PY) -m bench --http

lock:
	$(VENV)/bin/uv pip compile requirements.in -o requirements.lock --generate-hashes --python-version 3.11 --no-header -q
	$(VENV)/bin/uv pip compile requirements-dev.in -o requirements-dev.lock --generate-hashes --python-version 3.11 --no-header -q

clean:
	rm -rf $(VENV) var/ectalign.sqlite3 bench/.cache
