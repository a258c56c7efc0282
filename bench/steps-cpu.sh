#!/usr/bin/env bash
# CPU (user + system) and wall per warm `bash -c` step of `bin/codex exec --full-auto`, for one or more
# builds side by side: each run does FEW then MANY steps against a scripted local model (ScriptedServerMain),
# and a step's cost is (MANY - FEW run) / (MANY - FEW), so start-up and the first steps cancel out. Builds
# are run in turn (A B A B ...), so drift and the other load hit them alike. Prints each build's median.
# Usage: bench/steps-cpu.sh [ROOT...]   (default: this checkout; each ROOT a built checkout: bin/codex --version)
#        PAIRS=5 FEW=20 MANY=120 bench/steps-cpu.sh /path/to/before /path/to/after
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -gt 0 ] || set -- "$HERE"
PAIRS="${PAIRS:-3}"; FEW="${FEW:-20}"; MANY="${MANY:-120}"
for root in "$@"; do
  (cd "$root" && bin/codex --version >/dev/null && { mvn -q -B -o -pl cli test-compile >/dev/null 2>&1 || mvn -q -B -pl cli -am test-compile >/dev/null; })
done
WORK="$(mktemp -d)"; mkdir -p "$WORK/home"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
serve() { # steps -> url file
  java -cp "$HERE/cli/target/codex.jar:$HERE/cli/target/test-classes" codex.cli.bench.ScriptedServerMain "$1" >"$WORK/url-$1" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$WORK/url-$1" ] && return; sleep 0.1; done
  echo "scripted server did not start" >&2; exit 1
}
serve "$FEW"; serve "$MANY"
run() { # root steps -> "cpu_s wall_s"
  local repo="$WORK/repo"; rm -rf "$repo"; mkdir -p "$repo/.git"
  OPENAI_API_KEY=bench OPENAI_BASE_URL="$(head -1 "$WORK/url-$2")" CODEX_HOME="$WORK/home" \
    /usr/bin/time -f "%U %S %e" -o "$WORK/time" "$1/bin/codex" exec --full-auto -C "$repo" "do $2 steps" >/dev/null 2>"$WORK/err" \
    || { echo "run failed ($1, $2 steps):" >&2; tail -5 "$WORK/err" >&2; exit 1; }
  [ "$(wc -l < "$repo/steps.log")" -eq "$2" ] || { echo "expected $2 steps" >&2; exit 1; }
  awk '{printf "%.3f %.3f\n", $1 + $2, $3}' "$WORK/time"
}
declare -A cpu wall
for i in $(seq "$PAIRS"); do
  for root in "$@"; do
    read -r c1 w1 < <(run "$root" "$FEW"); read -r c2 w2 < <(run "$root" "$MANY")
    c=$(awk -v a="$c1" -v b="$c2" -v n=$((MANY - FEW)) 'BEGIN {printf "%.2f", (b - a) * 1000 / n}')
    w=$(awk -v a="$w1" -v b="$w2" -v n=$((MANY - FEW)) 'BEGIN {printf "%.2f", (b - a) * 1000 / n}')
    cpu[$root]="${cpu[$root]:-} $c"; wall[$root]="${wall[$root]:-} $w"
    echo "pair $i $root: per step CPU $c ms, wall $w ms (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for root in "$@"; do
  echo "$root: per warm step, median of $PAIRS: CPU (user+sys) $(median "${cpu[$root]}") ms, wall $(median "${wall[$root]}") ms"
done
