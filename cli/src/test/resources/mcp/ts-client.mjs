// Drives an MCP server with the official TypeScript SDK client, as the cli tests ask: over stdio, or
// over Streamable HTTP when the plan has a url (and a bearer token).
// argv[2] is the path of a JSON plan {command, args, env | url, token; elicit, calls: [{name, arguments, cancelOn}]};
// prints one JSON object: {serverInfo, tools, results, events, progress, elicitations, sessionId, terminated}.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(plan.modules + '/');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { ElicitRequestSchema } = require('@modelcontextprotocol/sdk/types.js');

const out = { results: [], events: [], progress: [], elicitations: [] };
const client = new Client({ name: 'ts-sdk-test-client', version: '1.0.0' },
  { capabilities: plan.elicit ? { elicitation: {} } : {} });
const waiters = [];
client.fallbackNotificationHandler = async (n) => {
  if (n.method === 'codex/event') {
    out.events.push(n.params);
    for (const w of waiters.splice(0)) w(n.params);
  }
};
if (plan.elicit) {
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    out.elicitations.push(req.params);
    return { action: 'accept', content: { decision: plan.elicit } };
  });
}
const nextEvent = (type, ms) => new Promise((resolve) => {
  const found = out.events.find((e) => e.msg && e.msg.type === type);
  if (found) return resolve(found);
  const timer = setTimeout(() => resolve(null), ms);
  const check = (e) => {
    if (e.msg && e.msg.type === type) { clearTimeout(timer); resolve(e); } else waiters.push(check);
  };
  waiters.push(check);
});

const transport = plan.url
  ? new StreamableHTTPClientTransport(new URL(plan.url), {
    requestInit: { headers: plan.token ? { Authorization: 'Bearer ' + plan.token } : {} },
  })
  : new StdioClientTransport({
    command: plan.command, args: plan.args, env: { ...process.env, ...(plan.env || {}) }, stderr: 'inherit',
  });
await client.connect(transport);
if (plan.url) out.sessionId = transport.sessionId;
out.serverInfo = client.getServerVersion();
out.tools = (await client.listTools()).tools;
let sessionId = null;
for (const call of plan.calls || []) {
  const args = JSON.parse(JSON.stringify(call.arguments).replaceAll('$SESSION', sessionId ?? ''));
  const abort = new AbortController();
  if (call.cancelOn) {
    nextEvent(call.cancelOn, 30000).then(() => abort.abort('test cancels'));
  }
  try {
    const r = await client.callTool({ name: call.name, arguments: args }, undefined, {
      onprogress: (p) => out.progress.push(p), signal: abort.signal, timeout: 90000,
    });
    if (r.structuredContent && r.structuredContent.sessionId) sessionId = r.structuredContent.sessionId;
    out.results.push(r);
  } catch (e) {
    out.results.push({ error: String(e) });
    if (call.cancelOn) {
      out.afterCancel = await nextEvent('turn_aborted', 30000);
    }
  }
}
if (plan.url) {
  await transport.terminateSession();
  out.terminated = transport.sessionId === undefined;
}
await client.close();
console.log(JSON.stringify(out));
