#!/usr/bin/env bash
# Runs an end-to-end benchmark of the bench module (see docs/benchmarks.md): builds the module,
# then runs dev.shoal.bench.NAME with a JDK >= 21 and the rest of the arguments, e.g.
#   scripts/run-bench.sh CoordinatorOverhead --nodes 100 --rounds 5 --warmup 1 --poll-ms 500
#   scripts/run-bench.sh TransportFloor --clients 100 --rounds 12 --warmup 9
#   COORDINATOR_HEAP=1400m scripts/run-bench.sh LargeModelRoundTrip 600
#   scripts/run-bench.sh SecAggCost --clients 100 --params 1000000 --dropout 0.1
#   scripts/run-bench.sh AggregateFiles --updates 300 --model cnn --repeats 3
#   scripts/run-bench.sh UpdateEncodings --model cnn
#   COORDINATOR_HEAP=4g scripts/run-bench.sh VirtualClients --model logreg --clients 1000,10000,100000,1000000
#   scripts/run-bench.sh LocalTraining --model mlp --examples 2000 --repeats 5
#   scripts/run-bench.sh TrainingSpeed --threads 2 --repeats 5   # against native PyTorch (python3-torch)
# COORDINATOR_HEAP sets the benchmark JVM's heap (default 2g).
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=find-jdk.sh
source "$root/scripts/find-jdk.sh"

if [[ $# -lt 1 ]]; then
  echo "usage: scripts/run-bench.sh CoordinatorOverhead|TransportFloor|LargeModelRoundTrip|SecAggCost|AggregateFiles|UpdateEncodings|VirtualClients|LocalTraining|TrainingSpeed [ARGS...]" >&2
  exit 2
fi
name="$1"
shift

jdk="$(find_jdk)" || {
  echo "run-bench: needs a JDK 21 or newer; install one or set SHOAL_JAVA_HOME" >&2
  exit 1
}

# the Debian packages a benchmark compares Shoal with (numpy, PyTorch), installed when missing
"$root/scripts/bench-packages.sh" "$name"

echo "building the bench module ..." >&2
log="$(mktemp)"
if ! (cd "$root" && mvn -B -ntp -Dstyle.color=never -pl bench -am package -DskipTests) >"$log" 2>&1; then
  cat "$log" >&2
  echo "run-bench: the build failed (output above)" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"

jvm_flags=(--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl=error)
if [[ "$(java_major "$jdk")" -ge 23 ]]; then
  jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
fi

echo "java: $("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p')" >&2
exec "$jdk/bin/java" "-Xmx${COORDINATOR_HEAP:-2g}" "${jvm_flags[@]}" -Dshoal.root="$root" \
  -cp "$root/bench/target/classes:$root/bench/target/lib/*" "dev.shoal.bench.$name" "$@" \
  2> >(grep --line-buffered -v 'AutoNonVariableTypeMode is deprecated' >&2)
