#!/usr/bin/env bash
# Every benchmark of issue 15 from one command: builds the jar and the bench classes, then runs
# codex.cli.bench.BenchMain (cli/src/test/java/codex/cli/bench/), which prints a table and writes
# bench/results/<UTC date>.json. Not a test: it never fails on a figure (exit 1 only when a
# workload could not run at all).
#
#   bench/run.sh                 everything (about 10 minutes on 2 cores)
#   bench/run.sh --smoke         each workload once and small (well under a minute or two)
#   bench/run.sh --only startup,exec20,exec50,steps,stream,load,cluster
#   bench/run.sh --out FILE      where the JSON goes
#   bench/run.sh --ours-only     no Codex side (its workspace-write runs make a transient /tmp/.git)
#
# The Codex CLI side (paired runs, ratios) needs the npm package: $CODEX_CLI_BIN, else
# .tools/codex (what .ci/setup.d/50-codex.sh installs); without it only our side is measured.
# Everything talks to 127.0.0.1 only. Measure on a quiet machine: the load average is recorded
# with each workload; figures taken under load say little.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bin/codex --version >/dev/null                       # builds the jar (and its CDS archive) if needed
mvn -q -B -o -pl cli -am test-compile >/dev/null 2>&1 || mvn -q -B -pl cli -am test-compile
CODEX="${CODEX_CLI_BIN:-}"
[ -n "$CODEX" ] || { [ -x .tools/codex/node_modules/.bin/codex ] && CODEX=.tools/codex/node_modules/.bin/codex; } || true
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# BENCH_JAVA_OPTS: e.g. -Dbench.load.sessions=100 -Dbench.load.steps=5
exec "$JAVA" -Xmx512m ${BENCH_JAVA_OPTS:-} -cp "cli/target/codex.jar:cli/target/test-classes" codex.cli.bench.BenchMain \
    --root "$ROOT" --codex "$CODEX" "$@"
