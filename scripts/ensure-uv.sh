#!/usr/bin/env bash
# Print the path of a uv executable, installing uv with pip into var/uv if there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
for candidate in "$HOME/.local/bin/uv" var/uv/bin/uv; do
  if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
python=$(command -v python3 || true)
if [ -z "$python" ]; then
  echo "Python 3.11 or newer is needed: install the python3 package." >&2; exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed; $("$python" --version) is too old." >&2; exit 1
fi
echo "Installing uv (the Python package manager) into var/uv ..." >&2
if ! "$python" -m venv var/uv >/dev/null 2>&1; then
  rm -rf var/uv
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
    "$python" -m venv var/uv >&2
  else
    echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)." >&2
    exit 1
  fi
fi
var/uv/bin/pip install --quiet --disable-pip-version-check uv >&2
echo var/uv/bin/uv
