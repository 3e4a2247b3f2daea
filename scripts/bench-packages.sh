#!/usr/bin/env bash
# Installs the Debian packages that benchmark NAME compares Shoal with, when missing:
# AggregateFiles runs numpy (python3-numpy), TrainingSpeed PyTorch (python3-torch) with OpenBLAS
# (libopenblas0-openmp): without it Debian's PyTorch multiplies matrices with the reference BLAS,
# several times slower than what a PyTorch user has. Called by scripts/run-bench.sh.
set -euo pipefail
case "${1:-}" in
  AggregateFiles) modules=(numpy); packages=(python3-numpy) ;;
  TrainingSpeed) modules=(numpy torch); packages=(python3-numpy python3-torch) ;;
  *) exit 0 ;;
esac
missing=()
for i in "${!modules[@]}"; do
  "${PYTHON:-/usr/bin/python3}" -c "import ${modules[$i]}" >/dev/null 2>&1 || missing+=("${packages[$i]}")
done
if [ "$1" = TrainingSpeed ] && ! /sbin/ldconfig -p | grep -q 'libopenblas\.so\.0'; then
  missing+=(libopenblas0-openmp)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "benchmark $1 needs these Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
  exit 1
fi
echo "installing Debian packages for benchmark $1: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# other installs may hold the dpkg lock: wait for it rather than fail
apt-get -o DPkg::Lock::Timeout=900 update -qq
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
