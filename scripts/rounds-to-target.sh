#!/usr/bin/env bash
# Rounds each strategy needs to reach a test accuracy (docs/strategies.md, "Rounds to 0.95"):
# runs `shoal simulate` once per strategy with the same data, partition, seed and local training,
# then prints one table row per strategy from its metrics.jsonl. Defaults: the 2NN (mlp) on the
# bundled MNIST sample over 20 clients by Dirichlet(0.1), all sampled, at most 100 rounds, 0.95.
#   scripts/rounds-to-target.sh                      # fedavg fedprox fedavgm fedadam fedyogi scaffold
#   STRATEGIES="fedavg scaffold" ROUNDS=50 scripts/rounds-to-target.sh
#   scripts/rounds-to-target.sh --lr 0.05            # extra options go to every run
# OUT (default: a new temporary directory) keeps each run's output under OUT/STRATEGY.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
read -r -a strategies <<<"${STRATEGIES:-fedavg fedprox fedavgm fedadam fedyogi scaffold}"
rounds="${ROUNDS:-100}"
target="${TARGET:-0.95}"
out="${OUT:-$(mktemp -d)}"

echo "| strategy | first round at $target or more | best accuracy (round) | final accuracy | upload per round |"
echo "| --- | --- | --- | --- | --- |"
for s in "${strategies[@]}"; do
  "$root/shoal" simulate --model mlp --clients 20 --partition dirichlet --alpha 0.1 --rounds "$rounds" \
    --strategy "$s" --transport inproc --contribution off --no-ledger --out "$out/$s" "$@" >"$out/$s.log" 2>&1 || {
    echo "rounds-to-target: strategy $s failed; see $out/$s.log" >&2
    exit 1
  }
  awk -v s="$s" -v target="$target" '
    match($0, /"round":[0-9]+/) { r = substr($0, RSTART + 8, RLENGTH - 8) }
    match($0, /"test_accuracy":[0-9.eE-]+/) { a = substr($0, RSTART + 16, RLENGTH - 16) + 0 }
    match($0, /"bytes_up":[0-9]+/) { up = substr($0, RSTART + 11, RLENGTH - 11) }
    { if (first == "" && a >= target) first = r; if (a > best) { best = a; bestRound = r }; last = a }
    END {
      printf "| `%s` | %s | %.4f (%d) | %.4f | %.1f MiB |\n", s, first == "" ? "not within " r : first,
        best, bestRound, last, up / 1048576
    }' "$out/$s/metrics.jsonl"
done
echo "(runs in $out)" >&2
