#!/usr/bin/env bash
# Install everything ketamine-kg needs on a fresh Debian machine: Java (HermiT, OWL API),
# Chromium + ChromeDriver (browser tests), Virtuoso (engine tests), then a virtual
# environment with the package.
# Safe to run again: it skips what is already there. The package is installed into .venv
# once, then again only when pyproject.toml or setup.py is newer than the stamp file
# .venv/.installed (`make test` and `make serve` run this script on every call).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v javac >/dev/null 2>&1 || need_apt+=(default-jdk-headless)
ls /usr/share/java/owlapi*.jar >/dev/null 2>&1 || need_apt+=(libowlapi-java)
# Virtuoso: a SPARQL engine the engine tests (tests/test_engine_*.py) start on 127.0.0.1.
command -v virtuoso-t >/dev/null 2>&1 || need_apt+=(virtuoso-opensource)
if [ "${KKG_SKIP_BROWSER:-0}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install: Debian packages ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

STAMP=.venv/.installed
if [ -x .venv/bin/python ] && [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ] \
    && [ "$STAMP" -nt setup.py ]; then
  exit 0  # installed, and nothing that decides the install changed since
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "install: virtual environment .venv" >&2
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
touch "$STAMP"
echo "install: done (.venv/bin/ketamine-kg)" >&2
