#!/usr/bin/env bash
# Installs the Debian packages that the operations tests drive as real programs, when missing:
# prometheus (scrapes a live coordinator), chromium and chromedriver (the dashboard test), systemd (systemd-analyze
# verify of the unit files). Run by the shoal-app build before its integration tests.
set -euo pipefail
declare -A wanted=([prometheus]=prometheus [chromium]=chromium [chromedriver]=chromium-driver [systemd-analyze]=systemd)
missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "the operations tests need these Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
  exit 1
fi
echo "installing Debian packages for the operations tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

# Another apt or dpkg process (unattended upgrades, another build) may hold the package lock:
# wait for it, up to ten minutes, instead of failing the build.
lock_wait=600
apt_waiting() {
  local deadline=$((SECONDS + lock_wait)) out status
  while true; do
    set +e
    out="$(apt-get -o DPkg::Lock::Timeout="$lock_wait" "$@" 2>&1)"
    status=$?
    set -e
    if [ "$status" -eq 0 ]; then
      return 0
    fi
    if grep -q 'Could not get lock\|Unable to acquire the dpkg frontend lock\|Unable to lock' <<<"$out" \
        && [ "$SECONDS" -lt "$deadline" ]; then
      echo "apt-get $1: another package manager holds the lock; waiting" >&2
      sleep 5
      continue
    fi
    echo "$out" >&2
    return "$status"
  done
}
apt_waiting update -qq
apt_waiting install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
