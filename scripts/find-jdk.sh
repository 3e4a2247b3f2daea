# Sourced by ./shoal and the scripts: find_jdk prints the home of a JDK >= 21 on this machine
# (SHOAL_JAVA_HOME, JAVA_HOME, the java on PATH, then the usual install places).

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local candidates=()
  [[ -n "${SHOAL_JAVA_HOME:-}" ]] && candidates+=("$SHOAL_JAVA_HOME")
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local d
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [[ -d "$d" ]] && candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [[ -x "$d/bin/java" ]]; then
      local v
      v="$(java_major "$d")"
      if [[ -n "$v" && "$v" -ge 21 ]]; then
        echo "$d"
        return 0
      fi
    fi
  done
  return 1
}
