#!/usr/bin/env bash
# Final test accuracy of strategies under attack (docs/strategies.md, "Accuracy under attack"):
# runs `shoal simulate` once per strategy and attack with the same data, partition, seed and
# attackers, then prints one table row per strategy. Defaults: the 2NN (mlp) on the bundled MNIST
# sample over 10 clients by Dirichlet(0.5), all sampled every round (--min-clients 10), 20 rounds,
# 3 attackers at each attack's default scale, two runs at a time.
#   scripts/attack-table.sh                                  # the robust rules with nnm, momentum, min-change
#   ROWS="fedavg fedmedian:nnm=3" ATTACKS="none sign-flip" scripts/attack-table.sh
#   scripts/attack-table.sh --rounds 10                      # extra options go to every run
# A row is STRATEGY or STRATEGY:K=V,K=V (its --strategy-param values). OUT (default: a new temporary
# directory) keeps each run's output under OUT/ROW/ATTACK; JOBS sets how many run at once.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
mixing="nnm=3,momentum=0.9,min-change=0.1"
read -r -a rows <<<"${ROWS:-fedmedian:$mixing fedtrimmedavg:beta=0.3,$mixing krum:f=3,$mixing bulyan:f=1,$mixing}"
read -r -a attacks <<<"${ATTACKS:-none sign-flip scaling gaussian inflate-examples}"
out="${OUT:-$(mktemp -d)}"
jobs="${JOBS:-2}"

# one run: ROW ATTACK [extra options]
run() {
  local row="$1" attack="$2" dir="$out/${1//[:=,]/_}/$2"
  shift 2
  local strategy="${row%%:*}" params=()
  if [[ $row == *:* ]]; then
    IFS=, read -r -a kv <<<"${row#*:}"
    for p in "${kv[@]}"; do params+=(--strategy-param "$p"); done
  fi
  local attack_options=()
  [[ $attack == none ]] || attack_options=(--attack "$attack" --attackers 3)
  mkdir -p "$dir"
  "$root/shoal" simulate --model mlp --clients 10 --partition dirichlet --alpha 0.5 --rounds 20 --min-clients 10 \
    --strategy "$strategy" "${params[@]}" "${attack_options[@]}" --transport inproc --contribution off --no-ledger \
    --out "$dir" "$@" >"$dir.log" 2>&1 || {
    echo "attack-table: $row under $attack failed; see $dir.log" >&2
    return 1
  }
}
export -f run
export root out

"$root/shoal" --version >/dev/null # builds once, before the runs start in parallel
for row in "${rows[@]}"; do
  for attack in "${attacks[@]}"; do
    printf '%s\0%s\0' "$row" "$attack"
  done
done | xargs -0 -n 2 -P "$jobs" bash -c 'run "$@" '"$(if (($#)); then printf '%q ' "$@"; fi)" _

final() { # the last round's test accuracy of a run
  sed -n 's/.*"test_accuracy":\([0-9.eE-]*\).*/\1/p' "$1/metrics.jsonl" | tail -n 1
}
printf '| strategy |'; printf ' %s |' "${attacks[@]}"; echo
printf '| --- |'; printf ' --- |%.0s' "${attacks[@]}"; echo
for row in "${rows[@]}"; do
  printf '| `%s` |' "$row"
  for attack in "${attacks[@]}"; do
    printf ' %.4f |' "$(final "$out/${row//[:=,]/_}/$attack")"
  done
  echo
done
echo "(runs in $out)" >&2
