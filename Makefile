# Two commands for a newcomer (see README):
#   make site   installs what the build needs and builds the site into site/
#   make test   installs what the tests need (Python packages, Debian's chromium) and runs them
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site test serve check chromium osmium clean

site: $(VENV)/.installed
	$(BIN)/python build_map.py build

serve: $(VENV)/.installed
	$(BIN)/python build_map.py serve

check: $(VENV)/.installed
	$(BIN)/python build_map.py check

test: $(VENV)/.installed-test chromium osmium
	$(BIN)/python -m pytest

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Python 3.11 atau lebih baru dibutuhkan (ditemukan: $$($(PYTHON) --version))." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.python-ok
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.python-ok
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's chromium through Playwright (Playwright's own browser
# download is not used). As root we install it; with password-less sudo (GitHub's runners)
# we install it through sudo; otherwise we say how.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else \
	    echo "Chromium tidak ditemukan. Pasang paket Debian 'chromium': sudo apt-get install chromium" >&2; \
	    exit 1; \
	  fi; }

# The OpenStreetMap export is read back in the tests by osmium-tool (Debian package
# osmium-tool), a reader not written here; installed the same way as chromium.
osmium:
	@command -v osmium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q osmium-tool; \
	  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q osmium-tool; \
	  else \
	    echo "osmium tidak ditemukan. Pasang paket Debian 'osmium-tool': sudo apt-get install osmium-tool" >&2; \
	    exit 1; \
	  fi; }

clean:
	rm -rf site .build
