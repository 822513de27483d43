#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when one is missing.
# Used by `make run` and `make test` (and so by .ci/run); safe to run again.
set -euo pipefail
# poppler-utils: pdftotext/pdftoppm for the document checks; r-cran-luminescence: R Luminescence, for
# the BIN/BINX interchange tests (RisoeBINXInteropTests); systemd: systemd-analyze verify of the
# packaged units (PackagingTests); openssl: the self-signed pair of the portal's TLS tests;
# chromium, chromium-driver, python3-venv: the portal's browser test (scripts/browser-test.sh puts Selenium in a venv);
# postgresql: the private cluster of the PostgreSQL backend's tests (scripts/pg-test-cluster.sh; no service is used).
pkgs=(pkg-config libusb-1.0-0-dev libudev-dev libsqlite3-dev sqlite3 umockdev libumockdev-dev socat udev poppler-utils r-cran-luminescence systemd openssl chromium chromium-driver python3-venv postgresql)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
