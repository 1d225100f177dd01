#!/usr/bin/env bash
# Makes sure the Debian packages Savad needs are present.
#   scripts/system-deps.sh run    what `make run` needs
#   scripts/system-deps.sh test   what `make test` needs as well (Chromium, PostgreSQL, Redis)
# As root, missing packages are installed with apt-get; otherwise they are named, with the command.
set -euo pipefail
profile="${1:-run}"

# "command package" pairs: a package is needed when its command is missing.
needs=("msgfmt gettext")
if [ "$profile" = "test" ]; then
  needs+=("chromium chromium" "pg_ctlcluster postgresql" "pg_isready postgresql-client"
          "redis-server redis-server" "redis-cli redis-tools" "pdftotext poppler-utils")
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "Savad needs Node.js 20 and npm (for front-end assets); '$tool' was not found." >&2
    echo "Install them from your distribution or https://nodejs.org/ and run the command again." >&2
    exit 1
  fi
done

missing=()
for pair in "${needs[@]}"; do
  cmd="${pair%% *}"; pkg="${pair##* }"
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
# Shared libraries WeasyPrint loads to render certificate PDFs: "library package" pairs.
for pair in "libpango-1.0.so.0 libpango-1.0-0" "libpangoft2-1.0.so.0 libpangoft2-1.0-0"; do
  lib="${pair%% *}"; pkg="${pair##* }"
  /sbin/ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "Savad needs these Debian packages, which are not installed: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
