#!/usr/bin/env bash
# apt_waiting ARGS...: apt-get ARGS, waiting for the package lock when another apt or dpkg process holds it.
# Sourced by test-packages.sh. APT_LOCK_PAUSE sets the seconds between attempts (default 5).

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
      sleep "${APT_LOCK_PAUSE:-5}"
      continue
    fi
    echo "$out" >&2
    return "$status"
  done
}
