#!/usr/bin/env bash
# Compiles contracts/ShoalAnchor.sol with the solc pinned in tools/package.json (EVM shanghai)
# and writes its ABI and bytecode where shoal-anchor loads them. Commit the result.
# Needs the tools installed once: npm ci --prefix tools
# Usage: scripts/compile-contract.sh [output-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/shoal-anchor/src/main/resources/dev/shoal/anchor}"
if [[ ! -d "$root/tools/node_modules/solc" ]]; then
  echo "solc is not installed: run 'npm ci --prefix tools' in $root first" >&2
  exit 2
fi
exec node "$root/scripts/compile-contract.mjs" "$out"
