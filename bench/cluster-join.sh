#!/usr/bin/env bash
# How long clustered services take to be ready: a first member alone, then a second joining it.
# Prints wall time to the "joined cluster" line, the service's own "ready in" figure and the CPU
# time the JVM used until then (the CPU figure stays meaningful on a loaded machine). Not a test.
# JAR=path/to/codex.jar to measure another build (default cli/target/codex.jar).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${JAR:-$ROOT/cli/target/codex.jar}"
CLUSTER="bench-join-$$-$RANDOM"
TMP="$(mktemp -d)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait; rm -rf "$TMP"' EXIT
TICKS=$(getconf CLK_TCK)

start_member() { # name services...
    local name=$1; shift
    local s e pid
    s=$(date +%s%N)
    CODEX_HOME="$TMP/home" java -cp "$JAR" codex.cli.CodexMain service --cluster-name "$CLUSTER" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    pid=$!
    PIDS+=("$pid")
    until grep -q "joined cluster" "$TMP/$name.out" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "$name died: $(cat "$TMP/$name.err")"; exit 1; }
        sleep 0.05
    done
    e=$(date +%s%N)
    local cpu
    cpu=$(awk -v t="$TICKS" '{printf "%d", ($14 + $15) * 1000 / t}' "/proc/$pid/stat")
    echo "$name: wall $(( (e - s) / 1000000 )) ms, cpu ${cpu} ms; $(cat "$TMP/$name.out")"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
start_member first sandbox notifier
start_member second agent
