# Two commands for a newcomer (see README):
#   make site   installs what the build needs and builds the site into site/
#   make test   installs what the tests need (Python packages, Debian's chromium) and runs them
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site test serve check chromium osmium java deb clean
JS     := tests/js

site: $(VENV)/.installed
	$(BIN)/python build_map.py build

serve: $(VENV)/.installed
	$(BIN)/python build_map.py serve

check: $(VENV)/.installed
	$(BIN)/python build_map.py check

test: $(VENV)/.installed-test chromium osmium $(JS)/node_modules/.installed java
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

# Outside readers the tests run (tests/js/package.json, locked): Ajv, yaml-language-server and
# the Nu HTML checker (vnu-jar, which needs a Java runtime: Debian's default-jre-headless).
$(JS)/node_modules/.installed: $(JS)/package.json $(JS)/package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory DEB=npm deb
	npm ci --prefix $(JS) --no-audit --no-fund --loglevel=error
	touch $@

java:
	@command -v java >/dev/null 2>&1 || $(MAKE) --no-print-directory DEB=default-jre-headless deb

# Install the Debian package $(DEB): as root, or through password-less sudo; otherwise say how.
deb:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEB); \
	elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEB); \
	else \
	  echo "Paket Debian '$(DEB)' dibutuhkan untuk tes: sudo apt-get install $(DEB)" >&2; \
	  exit 1; \
	fi

clean:
	rm -rf site .build
