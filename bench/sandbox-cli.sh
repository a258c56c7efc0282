#!/usr/bin/env bash
# `codex sandbox -- true` as a whole process (JVM start included) against `bash -c true`:
# median and p90 wall time over RUNS runs. Prints the figures; not a test.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-30}"
cd "$ROOT"
bin/codex --version >/dev/null
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, p90 %.1f ms", a[int((NR+1)/2)]/1000, a[int(NR*0.9)]/1000}'; }
for _ in 1 2 3; do bin/codex sandbox -p disk-write-cwd -- true >/dev/null 2>&1; done
echo "bash -c true:                         $(for _ in $(seq "$RUNS"); do time_ms bash -c true; done | stats)"
echo "codex sandbox -p disk-write-cwd -- true: $(for _ in $(seq "$RUNS"); do time_ms bin/codex sandbox -p disk-write-cwd -- true; done | stats)"
echo "(reference: Codex CLI's helper-per-command sandbox, 46 ms median on this machine)"
