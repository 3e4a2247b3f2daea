#!/usr/bin/env bash
# Installs the Debian packages that the operations tests drive as real programs, when missing:
# prometheus (scrapes a live coordinator), chromium and chromedriver (the dashboard test), systemd (systemd-analyze
# verify of the unit files), iproute2 (PeerIT puts each peer in a network namespace of its own), and python3-torch
# (TorchScriptFederationIT loads Shoal's result back into PyTorch).
# Run by the shoal-app build before its integration tests.
set -euo pipefail
declare -A wanted=([prometheus]=prometheus [chromium]=chromium [chromedriver]=chromium-driver [systemd-analyze]=systemd
  [ip]=iproute2)
missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
/usr/bin/python3 -c "import torch" >/dev/null 2>&1 || missing+=(python3-torch)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "the operations tests need these Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
  exit 1
fi
echo "installing Debian packages for the operations tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

source "$(dirname "$0")/apt-waiting.sh"
apt_waiting update -qq
apt_waiting install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
