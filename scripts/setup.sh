#!/usr/bin/env bash
# Idempotent set-up for ita-checker on Debian 12: system packages + .venv with the project (editable) and dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium fonts-thai-tlwg tesseract-ocr tesseract-ocr-tha postgresql)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[setup] Debian packages already present"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv"
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
echo "[setup] installing ita-checker (editable) with dev tools"
.venv/bin/pip install -q -e '.[dev]' 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import ita_checker, scrapy, pymupdf" # fails loudly if the install did not work
echo "[setup] done: .venv/bin/ita-checker --help"
