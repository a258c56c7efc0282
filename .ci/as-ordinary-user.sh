#!/usr/bin/env bash
# The sandbox's tests once more as an ordinary user (issue 16: they must pass as root and as not-root).
# Root takes the cgroup paths, an ordinary user the rlimit ones and Landlock's and seccomp's non-root
# cases; tests that need root skip with their reason. Runs only when CI runs as root (a newcomer's
# `mvn -B verify` is the README's test command and does not need it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ] || ! command -v runuser >/dev/null || ! command -v useradd >/dev/null; then
  echo "ci: not root (or no runuser/useradd): the sandbox's tests ran as this user only"
  exit 0
fi
m2="$HOME/.m2/repository"
[ -d "$m2" ] || { echo "ci: no $m2 to copy for the ordinary user: skipped"; exit 0; }
user=codex-ci
id "$user" >/dev/null 2>&1 || useradd --create-home "$user"
home=$(getent passwd "$user" | cut -d: -f6)
rm -rf "$home/repo" "$home/m2"
git clone -q . "$home/repo"
cp -r "$m2" "$home/m2"
chown -R "$user": "$home/repo" "$home/m2"
echo "ci: sandbox-service's tests as the ordinary user $user"
cd "$home/repo"
runuser -u "$user" -- env HOME="$home" CI="${CI:-}" PATH="$PATH" mvn -B -o -q -Dmaven.repo.local="$home/m2" \
  -pl sandbox-service -am '-Dtest=codex.sandbox.**' -Dsurefire.failIfNoSpecifiedTests=false verify
