#!/usr/bin/env bash
# Wall time and peak RSS of `bin/codex exec --full-auto` doing N sequential shell steps against a
# scripted local model server (median of RUNS). Prints the figures; not a test.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STEPS="${STEPS:-20}"
RUNS="${RUNS:-5}"
cd "$ROOT"
bin/codex --version >/dev/null                       # builds the jar if needed
mvn -q -B -o -pl cli test-compile >/dev/null 2>&1 || mvn -q -B -pl cli test-compile
WORK="$(mktemp -d)"; mkdir -p "$WORK/repo/.git" "$WORK/home"
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
java -cp cli/target/codex.jar:cli/target/test-classes codex.cli.bench.ScriptedServerMain "$STEPS" >"$WORK/url" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/url" ] && break; sleep 0.1; done
URL="$(head -1 "$WORK/url")"
export OPENAI_API_KEY=bench OPENAI_BASE_URL="$URL" CODEX_HOME="$WORK/home"
walls=(); rss=()
for i in $(seq "$RUNS"); do
  rm -f "$WORK/repo/steps.log"
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$ROOT/bin/codex" exec --full-auto -C "$WORK/repo" "do $STEPS steps" >/dev/null 2>"$WORK/exec.err" \
    || { echo "run $i failed:"; tail -5 "$WORK/exec.err"; exit 1; }
  lines=$(wc -l < "$WORK/repo/steps.log")
  [ "$lines" -eq "$STEPS" ] || { echo "run $i: expected $STEPS steps, got $lines"; exit 1; }
  read -r w m < "$WORK/time"; walls+=("$w"); rss+=("$m")
  echo "run $i: wall ${w}s, peak RSS $((m / 1024)) MiB"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mw=$(median "${walls[@]}"); mr=$(median "${rss[@]}")
echo "exec --full-auto, $STEPS shell steps, median of $RUNS: wall ${mw}s, peak RSS $((mr / 1024)) MiB"
echo "(reference: Codex CLI 0.169 on this machine 2.81 s, 155 MiB; goal: half the time, no more memory)"
