#!/usr/bin/env bash
# Warm spawn benchmark of the sandbox executor: sandboxed `true` vs unsandboxed `true`, p50/p99.
# Usage: bench/sandbox-spawn.sh [runs]   (default 2000 per series)
# Compiles sandbox-service's test classes offline, then runs codex.sandbox.bench.SpawnBenchmark.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -o -q -B -Dstyle.color=never -pl sandbox-service test-compile

m2="${MAVEN_REPO:-$HOME/.m2/repository}"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# The dependency plugin is the proper source of the classpath; when it cannot run offline (its own
# dependencies are not cached), fall back to the two jars the benchmark needs.
if ! mvn -o -q -B -pl sandbox-service dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null 2>&1 \
        || [ ! -s "$cp_file" ]; then
    project_version="$(sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -1)"
    jna_version="$(sed -n 's:.*<jna.version>\(.*\)</jna.version>.*:\1:p' pom.xml | head -1)"
    printf '%s:%s' \
        "$m2/net/java/dev/jna/jna/$jna_version/jna-$jna_version.jar" \
        "$m2/dev/codexvertx/protocol/$project_version/protocol-$project_version.jar" > "$cp_file"
fi
exec java -cp "sandbox-service/target/test-classes:sandbox-service/target/classes:$(cat "$cp_file")" \
    codex.sandbox.bench.SpawnBenchmark "${1:-2000}"
