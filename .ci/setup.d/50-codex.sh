# Codex CLI (npm @openai/codex): CodexJsonSchemaComparisonTest runs it beside ours on the same
# scripted model server and compares the `exec --json` schemas. Pinned to the version compared.
codex_version=0.171.0
if [ ! -x .tools/codex/node_modules/.bin/codex ] \
    || ! .tools/codex/node_modules/.bin/codex --version 2>/dev/null | grep -q "$codex_version"; then
  command -v npm >/dev/null || apt_install npm
  npm install --no-audit --no-fund --silent --prefix .tools/codex "@openai/codex@$codex_version"
fi
