# Two commands: `make run` starts the app, `make test` runs every check.
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8501
BIN    := $(VENV)/bin

.PHONY: run test lint bench browser clean

# Served as a class is served (the `lrviz` command: its malloc settings, no file watcher); while
# editing the sources, `.venv/bin/streamlit run app.py` reloads them on save.
run: $(VENV)/.runtime
	$(BIN)/lrviz --port $(PORT) --host localhost

# Two workers that steal tests from each other's queues: a compiled program is shared through the
# run's JAX cache folder (tests/conftest.py), so files need not stay whole on one worker, and the
# long browser tests no longer queue behind each other at the end (11:51 against 13:42 by file).
test: $(VENV)/.dev browser
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist worksteal

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.dev
	$(BIN)/python -m bench $(WHAT)

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "lrviz needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian's Chromium (and a Korean font for its screenshots) for the browser tests, and Debian's
# nginx for the load-balancer test (tests/deploy/); installed only when missing and we are root.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=ko 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "chromium not found and not root: browser tests will skip (CI=true makes them fail)"; fi
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's nginx for the load-balancer test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	else echo "nginx not found and not root: the load-balancer test will skip (CI=true makes it fail)"; fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
