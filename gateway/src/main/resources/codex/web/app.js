// The codex web client: plain modern JavaScript, no build step. It talks only to the HTTP API v1
// of the server that served it (see gateway/README.md), logged in by an HttpOnly cookie; every
// state-changing request carries the CSRF token the server handed out at login.
import { renderMarkdown } from './markdown.js';

const $ = (sel, root = document) => root.querySelector(sel);
const app = document.getElementById('app');

/** Builds an element: h('div.cls', {attr}, children…); strings become text nodes (never HTML). */
function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(' ');
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let me = null; // {identity, csrf_token, ceiling}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && me && me.csrf_token) headers['X-CSRF-Token'] = me.csrf_token;
  let response;
  try {
    response = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached', 'network');
  }
  let data = null;
  try { data = await response.json(); } catch (e) { /* no body */ }
  if (!response.ok) {
    const message = (data && data.error && data.error.message) || response.statusText || 'request failed';
    const err = new ApiError(response.status, message, data && data.error && data.error.code);
    if (response.status === 401 && path !== '/login') showLogin('Your login has ended; log in again.');
    throw err;
  }
  return data;
}

// ---- navigation ------------------------------------------------------------------------

function navigate(path, replace = false) {
  if (location.pathname !== path) history[replace ? 'replaceState' : 'pushState'](null, '', path);
  route();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-nav]');
  if (a && !e.metaKey && !e.ctrlKey && !e.shiftKey && e.button === 0) {
    e.preventDefault();
    navigate(a.getAttribute('href'));
  }
});
window.addEventListener('popstate', () => route());

// ---- login -----------------------------------------------------------------------------

function showLogin(message) {
  me = null;
  stopAll();
  document.title = 'Log in · codex';
  const error = h('p.alert', { role: 'alert', id: 'login-error', text: message || '' });
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true, 'aria-describedby': 'login-help' });
  const form = h('form', { id: 'login-form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await login(input.value);
      route();
    } catch (err) {
      error.textContent = err.message;
      input.select();
    }
  } },
  h('label', { for: 'token', text: 'Token' }),
  input,
  h('p.hint', { id: 'login-help', text: 'Open the login link that `codex serve` printed, or paste an API token (the server\'s serve.token or one of [[gateway.tokens]]).' }),
  h('button.primary', { type: 'submit', text: 'Log in' }));
  app.replaceChildren(h('main.login', null, h('h1', { text: 'codex' }), h('p.hint', { text: 'Log in to see and drive your sessions.' }), error, form));
  input.focus();
}

async function login(token) {
  me = await api('POST', '/login', { token });
  return me;
}

// ---- frame -----------------------------------------------------------------------------

let frame = null; // {layout, side, main, list, inbox}
let sessionsCache = [];
const createdHere = new Map(); // session id → {session_id, cwd, started_at} until the server lists it
let listTimer = null;
let current = null; // the open SessionView

function stopAll() {
  if (current) current.close();
  current = null;
  clearInterval(listTimer);
  listTimer = null;
  frame = null;
}

function buildFrame() {
  const inbox = h('button.inbox', { type: 'button', 'data-count': '0', 'aria-haspopup': 'true', 'aria-expanded': 'false',
    onclick: () => toggleInbox() }, 'Approvals: 0');
  const top = h('header.top', null,
    h('a.brand', { href: '/', 'data-nav': true, text: 'codex' }),
    inbox,
    h('span.who', { text: `${me.identity.name} (${me.identity.role})` }),
    h('button', { type: 'button', id: 'logout', text: 'Log out', onclick: async () => {
      try { await api('POST', '/logout'); } catch (e) { /* logged out anyway */ }
      history.replaceState(null, '', '/');
      showLogin('Logged out.');
    } }));
  const list = h('ul.sessions', { id: 'sessions', 'aria-label': 'Sessions' });
  const side = h('aside.side', { 'aria-label': 'Sessions' },
    h('button.primary', { type: 'button', id: 'new-session-button', 'aria-expanded': 'false', onclick: (e) => toggleNewSession(e.currentTarget) }, 'New session'),
    h('div', { id: 'new-session-slot' }),
    h('h2', { text: 'Your sessions' }),
    list);
  const main = h('main.main', { id: 'main' });
  const layout = h('div.layout', { 'data-view': 'list' }, side, main);
  app.replaceChildren(top, layout);
  frame = { layout, side, main, list, inbox };
  refreshSessions();
  listTimer = setInterval(refreshSessions, 4000);
}

async function refreshSessions() {
  if (!frame) return;
  let sessions;
  try {
    sessions = (await api('GET', '/sessions?limit=100')).sessions;
  } catch (e) {
    return;
  }
  for (const s of sessions) createdHere.delete(s.session_id);
  sessionsCache = [...[...createdHere.values()].reverse(), ...sessions];
  renderSessionList();
  refreshInbox();
}

function renderSessionList() {
  if (!frame) return;
  const open = current && current.id;
  const items = sessionsCache.map((s) => {
    const state = s.session_id === open && current.state ? current.state : s.state || 'idle';
    return h('li', null, h('a', { href: `/sessions/${s.session_id}`, 'data-nav': true, 'data-session': s.session_id,
      'aria-current': s.session_id === open ? 'page' : null },
    h('span.preview', { text: s.preview || '(no prompt yet)' }),
    h('span.sub', null, h('span.pill.' + state, { 'data-state': state, text: stateLabel(state) }),
      h('span.cwd', { text: s.cwd || '' }), h('time', { datetime: s.started_at || '', text: when(s.started_at) }))));
  });
  frame.list.replaceChildren(...(items.length ? items : [h('li.empty', { text: 'No sessions yet: start one.' })]));
}

function stateLabel(state) {
  return { running: 'running', waiting: 'waiting for approval', idle: 'idle' }[state] || state;
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const ago = (Date.now() - d.getTime()) / 1000;
  if (ago < 60) return 'just now';
  if (ago < 3600) return `${Math.floor(ago / 60)} min ago`;
  if (ago < 86400) return `${Math.floor(ago / 3600)} h ago`;
  return d.toLocaleDateString();
}

// ---- approvals inbox ---------------------------------------------------------------------

let inboxItems = [];
let inboxFromServer = null; // null: not known yet; false: the server has no inbox endpoint

async function refreshInbox() {
  if (!frame) return;
  let items = null;
  if (inboxFromServer !== false) {
    try {
      const data = await api('GET', '/approvals');
      items = (data.approvals || data.pending || []).map((a) => ({
        session_id: a.session_id, id: a.id || a.approval_id, kind: a.kind,
        summary: a.command ? commandText(a.command)
          : a.kind === 'patch' ? `patch: ${Object.keys(a.changes || {}).map((f) => f.split('/').pop()).join(', ')}` : (a.reason || a.kind || ''),
      }));
      inboxFromServer = true;
    } catch (e) {
      if (e.status === 404) inboxFromServer = false;
      else return;
    }
  }
  if (items === null) {
    items = sessionsCache.filter((s) => (s.session_id === (current && current.id) ? current.state : s.state) === 'waiting')
      .map((s) => ({ session_id: s.session_id, summary: s.preview || s.session_id }));
  }
  inboxItems = items;
  const n = items.length;
  frame.inbox.dataset.count = String(n);
  frame.inbox.textContent = `Approvals: ${n}`;
  frame.inbox.setAttribute('aria-label', `${n} approval${n === 1 ? '' : 's'} waiting`);
  setTitle();
  const panel = $('#inbox-panel');
  if (panel) fillInbox(panel);
}

function setTitle() {
  const n = inboxItems.length;
  const what = current ? `${current.title()} · codex` : 'codex';
  document.title = (n ? `(${n}) ` : '') + what;
}

function toggleInbox() {
  const existing = $('#inbox-panel');
  frame.inbox.setAttribute('aria-expanded', existing ? 'false' : 'true');
  if (existing) { existing.remove(); return; }
  const panel = h('div.inbox-panel', { id: 'inbox-panel', role: 'dialog', 'aria-label': 'Approvals waiting' });
  fillInbox(panel);
  document.body.append(panel);
  const first = panel.querySelector('a, button');
  if (first) first.focus();
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { panel.remove(); frame.inbox.focus(); } });
}

function fillInbox(panel) {
  panel.replaceChildren(h('h2', { text: 'Approvals waiting' }),
    inboxItems.length ? h('ul', null, inboxItems.map((a) => h('li', null,
      h('a', { href: `/sessions/${a.session_id}`, 'data-nav': true, onclick: () => panel.remove() },
        h('code', { text: a.summary || a.session_id })),
      a.id ? h('div.decisions', { role: 'group', 'aria-label': 'Decision' }, DECISIONS.slice(0, 3).map(([decision, label, cls]) =>
        h('button' + (cls ? '.' + cls : ''), { type: 'button', 'data-approval': a.id, 'data-decision': decision, text: label, onclick: async (e) => {
          e.currentTarget.disabled = true;
          try {
            await api('POST', `/approvals/${encodeURIComponent(a.id)}`, { decision });
          } catch (err) {
            if (err.status !== 409) { e.currentTarget.parentNode.append(h('span.alert', { text: err.message })); return; }
          }
          refreshInbox();
        } }))) : null))) : h('p.empty', { text: 'Nothing is waiting for you.' }));
}

// ---- new session -------------------------------------------------------------------------

function toggleNewSession(button) {
  const slot = $('#new-session-slot');
  if (slot.firstChild) {
    slot.replaceChildren();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  button.setAttribute('aria-expanded', 'true');
  const c = me.ceiling || {};
  const lastCwd = localStorage.getItem('codex.lastCwd') || (c.workspace_roots && c.workspace_roots[0]) || '';
  const error = h('p.alert', { role: 'alert', id: 'new-session-error' });
  const cwd = h('input', { type: 'text', id: 'ns-cwd', name: 'cwd', required: true, value: lastCwd, placeholder: '/path/to/project', spellcheck: 'false' });
  const model = c.models
    ? h('select', { id: 'ns-model', name: 'model' }, h('option', { value: '', text: 'server default' }), c.models.map((m) => h('option', { value: m, text: m })))
    : h('input', { type: 'text', id: 'ns-model', name: 'model', placeholder: 'server default', spellcheck: 'false' });
  const policy = h('select', { id: 'ns-policy', name: 'approval_policy' }, h('option', { value: '', text: 'server default' }),
    (c.approval_policies || []).map((p) => h('option', { value: p, text: p })));
  const perms = (c.sandbox_permissions || []).map((p) => h('label.check', null, h('input', { type: 'checkbox', name: 'perm', value: p }), p));
  const form = h('form.new-session', { id: 'new-session', 'aria-label': 'New session', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = { cwd: cwd.value.trim() };
    if (model.value.trim()) body.model = model.value.trim();
    if (policy.value) body.approval_policy = policy.value;
    const chosen = [...form.querySelectorAll('input[name=perm]:checked')].map((i) => i.value);
    if (chosen.length) body.sandbox_permissions = chosen;
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const created = await api('POST', '/sessions', body);
      localStorage.setItem('codex.lastCwd', body.cwd);
      createdHere.set(created.session_id, { session_id: created.session_id, cwd: body.cwd, started_at: new Date().toISOString(), state: 'idle' });
      sessionsCache = [createdHere.get(created.session_id), ...sessionsCache.filter((s) => s.session_id !== created.session_id)];
      slot.replaceChildren();
      button.setAttribute('aria-expanded', 'false');
      navigate(`/sessions/${created.session_id}`);
    } catch (err) {
      error.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  } },
  error,
  h('label', { for: 'ns-cwd' }, 'Working folder ', h('span.hint', { text: c.workspace_roots ? `(under ${c.workspace_roots.join(', ')})` : '(absolute path on the server)' })),
  cwd,
  h('label', { for: 'ns-model', text: 'Model' }), model,
  h('label', { for: 'ns-policy', text: 'Approval policy' }), policy,
  perms.length ? h('fieldset', null, h('legend', null, 'Sandbox permissions ', h('span.hint', { text: '(none ticked: server default)' })), perms) : null,
  h('div.row', null, h('button.primary', { type: 'submit', text: 'Start session' }),
    h('button', { type: 'button', text: 'Cancel', onclick: () => { slot.replaceChildren(); button.setAttribute('aria-expanded', 'false'); button.focus(); } })));
  slot.replaceChildren(form);
  cwd.focus();
}

// ---- events stream -------------------------------------------------------------------------

/**
 * Follows a session's Server-Sent Events with fetch (so it can send Last-Event-ID itself and
 * see every event type), reconnecting with backoff after a drop. Events at or below the last
 * seq seen are dropped, so a replay never shows anything twice.
 */
class EventStream {
  constructor(sessionId, onEvent, onStatus) {
    this.sessionId = sessionId;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.lastSeq = 0;
    this.closed = false;
    this.backoff = 500;
    this.connect();
  }

  async connect() {
    if (this.closed) return;
    this.abort = new AbortController();
    let quiet = null;
    const watchdog = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => this.abort.abort(), 40000); // keep-alives come every 15 s
    };
    try {
      const headers = { Accept: 'text/event-stream' };
      if (this.lastSeq) headers['Last-Event-ID'] = String(this.lastSeq);
      const response = await fetch(`/api/v1/sessions/${encodeURIComponent(this.sessionId)}/events`,
        { headers, credentials: 'same-origin', cache: 'no-store', signal: this.abort.signal });
      if (response.status === 401) { showLogin('Your login has ended; log in again.'); return; }
      if (response.status === 404) { this.onStatus('gone'); return; }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      this.onStatus('live');
      this.backoff = 500;
      watchdog();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        watchdog();
        buffer += value;
        let end;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
          this.dispatch(block);
        }
      }
    } catch (e) {
      // dropped or refused: reconnect below
    } finally {
      clearTimeout(quiet);
    }
    if (this.closed) return;
    this.onStatus('reconnecting');
    setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, 8000);
  }

  dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length) return;
    let event;
    try { event = JSON.parse(data.join('\n')); } catch (e) { return; }
    if (type === 'error' && event.seq === undefined) return; // the server could not subscribe; we reconnect
    if (typeof event.seq !== 'number' || event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.onEvent(event);
  }

  close() {
    this.closed = true;
    if (this.abort) this.abort.abort();
  }
}

// ---- the transcript ------------------------------------------------------------------------

const DECISIONS = [
  ['approved', 'Approve', 'primary'],
  ['approved_for_session', 'Approve for session', ''],
  ['denied', 'Deny', 'danger'],
  ['abort', 'Deny and stop turn', 'danger'],
];
const BLOCK_ENDS = new Set(['task_started', 'task_complete', 'turn_aborted', 'exec_command_begin', 'exec_approval_request',
  'apply_patch_approval_request', 'patch_apply_begin', 'error']);
const DECIDED = { approved: 'Approved', approved_for_session: 'Approved for this session', denied: 'Denied', abort: 'Denied; turn stopped' };

function promptStore(sessionId) {
  const key = `codex.prompts.${sessionId}`;
  let map = {};
  try { map = JSON.parse(localStorage.getItem(key) || '{}'); } catch (e) { map = {}; }
  return {
    get: (id) => map[id],
    set: (id, text) => { map[id] = text; try { localStorage.setItem(key, JSON.stringify(map)); } catch (e) { /* full */ } },
  };
}

function duration(ms) {
  if (ms === undefined || ms === null) return '';
  return ms < 1000 ? `${ms} ms` : ms < 60000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

function commandText(argv) {
  if (!Array.isArray(argv)) return String(argv ?? '');
  if (argv.length === 3 && /(^|\/)(ba|z)?sh$/.test(argv[0]) && /^-l?c$/.test(argv[1])) return argv[2];
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

function diffView(changes, cwd) {
  const files = Object.entries(changes || {}).map(([absolute, change]) => {
    const path = cwd && absolute.startsWith(cwd.replace(/\/$/, '') + '/') ? absolute.slice(cwd.replace(/\/$/, '').length + 1) : absolute;
    const lines = [];
    if (change.kind === 'update') {
      for (const l of String(change.unified_diff || '').split('\n')) {
        if (l.startsWith('+++') || l.startsWith('---')) continue;
        lines.push([l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : 'ctx', l]);
      }
    } else {
      const sign = change.kind === 'delete' ? '-' : '+';
      for (const l of String(change.content || '').replace(/\n$/, '').split('\n')) lines.push([sign === '+' ? 'add' : 'del', sign + l]);
    }
    while (lines.length && lines[lines.length - 1][1] === '') lines.pop();
    const label = { add: 'new file', delete: 'deleted', update: 'modified' }[change.kind] || change.kind;
    return h('div.file', null,
      h('div.file-name', null, path, change.move_path ? ` → ${change.move_path}` : '', ' ', h('span.pill', { text: label })),
      h('pre.diff', { 'aria-label': `changes to ${path}` }, lines.map(([cls, text]) => h('span.' + cls, { text: text || ' ' }))));
  });
  return h('div.files', null, files);
}

class SessionView {
  constructor(id) {
    this.id = id;
    this.state = 'idle';
    this.turnRunning = false;
    this.prompts = promptStore(id);
    this.pending = new Map(); // call id → approval card
    this.commands = new Map(); // call id → command card
    this.agentBlock = null; // {el, text} of the agent message streaming now
    this.usage = { input: 0, cached: 0, output: 0, total: 0 };
    this.config = null;
    this.eventCount = 0;
    this.build();
    this.stream = new EventStream(id, (e) => this.apply(e), (s) => this.connection(s));
    this.noticeTimer = setTimeout(() => { if (!this.eventCount) this.notRunning(); }, 2500);
  }

  title() {
    const s = sessionsCache.find((x) => x.session_id === this.id);
    return (s && s.preview) || `session ${this.id.slice(0, 8)}`;
  }

  build() {
    this.stateEl = h('span.pill.idle', { id: 'session-state', 'data-state': 'idle', text: 'idle' });
    this.connEl = h('span.pill', { id: 'connection', 'data-state': 'connecting', role: 'status', text: 'connecting…' });
    this.usageEl = h('span.usage', { id: 'usage' });
    this.metaEl = h('div.meta', { id: 'session-meta' });
    this.log = h('div.transcript', { id: 'transcript', role: 'log', 'aria-label': 'Transcript', 'aria-live': 'off', tabindex: '0' });
    this.jump = h('button.jump', { type: 'button', hidden: true, text: '↓ Jump to latest', onclick: () => { this.follow = true; this.scroll(); } });
    this.input = h('textarea', { id: 'composer-input', rows: '2', 'aria-label': 'Message to the agent',
      placeholder: 'Ask codex… (Enter sends, Shift+Enter for a new line)', onkeydown: (e) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.send(); }
      } });
    this.interruptButton = h('button.danger', { type: 'button', id: 'interrupt', hidden: true, text: 'Interrupt', onclick: () => this.interrupt() });
    this.sendButton = h('button.primary', { type: 'submit', id: 'send', text: 'Send' });
    const composer = h('form.composer', { onsubmit: (e) => { e.preventDefault(); this.send(); } },
      this.input, h('div.actions', null, this.interruptButton, this.sendButton));
    this.follow = true;
    this.log.addEventListener('scroll', () => {
      const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
      this.follow = atBottom;
      this.jump.hidden = atBottom;
    });
    this.root = h('section.session', { 'aria-label': 'Session', 'data-session': this.id },
      h('header.session-head', null,
        h('a.back', { href: '/', 'data-nav': true, text: '← Sessions' }),
        h('h1', { text: `session ${this.id.slice(0, 8)}`, title: this.id }),
        this.stateEl, this.connEl, this.usageEl, this.metaEl),
      this.log, this.jump, composer);
  }

  connection(status) {
    this.connEl.dataset.state = status;
    this.connEl.className = `pill ${status}`;
    this.connEl.textContent = { live: 'live', reconnecting: 'reconnecting…', gone: 'not found' }[status] || status;
    if (status === 'gone') {
      clearTimeout(this.noticeTimer);
      this.log.replaceChildren(h('div.banner', { role: 'alert', text: 'There is no session with this id, or it is not yours.' }));
      this.input.disabled = true;
      this.sendButton.disabled = true;
    }
  }

  setState(state) {
    this.state = state;
    this.stateEl.dataset.state = state;
    this.stateEl.className = `pill ${state}`;
    this.stateEl.textContent = stateLabel(state);
    this.interruptButton.hidden = state === 'idle';
    renderSessionList();
    refreshInbox();
  }

  append(el) {
    const follow = this.follow;
    this.log.append(el);
    if (follow) this.scroll();
    return el;
  }

  scroll() {
    this.log.scrollTop = this.log.scrollHeight;
    this.jump.hidden = true;
  }

  changed() {
    if (this.follow) this.scroll();
  }

  notRunning() {
    const s = sessionsCache.find((x) => x.session_id === this.id);
    if (this.log.querySelector('#resume-banner')) return;
    const banner = h('div.banner.info', { id: 'resume-banner', role: 'status' },
      'This session is not running on the server now. ',
      s && s.cwd ? h('button', { type: 'button', text: 'Resume it', onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await api('POST', '/sessions', { cwd: s.cwd, resume_session_id: this.id });
          banner.remove();
        } catch (err) {
          banner.append(h('div', { text: err.message }));
        }
      } }) : null);
    this.log.prepend(banner);
  }

  async submit(op) {
    const id = `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    await api('POST', `/sessions/${encodeURIComponent(this.id)}/submissions`, { id, op });
    return id;
  }

  async send() {
    const text = this.input.value;
    if (!text.trim()) return;
    this.sendButton.disabled = true;
    try {
      const id = `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      this.prompts.set(id, text);
      const bubble = this.append(h('div.prompt.queued', { 'data-submission': id },
        h('span.tag', { text: this.turnRunning ? 'queued' : 'sending…' }), text));
      this.follow = true;
      this.scroll();
      try {
        await api('POST', `/sessions/${encodeURIComponent(this.id)}/submissions`,
          { id, op: { type: 'user_input', items: [{ type: 'text', text }] } });
        this.input.value = '';
      } catch (err) {
        bubble.remove();
        this.append(h('div.banner', { role: 'alert', text: `Not sent: ${err.message}` }));
        if (err.status === 404 || err.status === 503) this.notRunning();
      }
    } finally {
      this.sendButton.disabled = false;
      this.input.focus();
    }
  }

  async interrupt() {
    try { await this.submit({ type: 'interrupt' }); } catch (err) {
      this.append(h('div.banner', { role: 'alert', text: `Could not interrupt: ${err.message}` }));
    }
  }

  showPrompt(submissionId) {
    const waiting = submissionId && this.log.querySelector(`.prompt.queued[data-submission="${CSS.escape(submissionId)}"]`);
    const text = submissionId ? this.prompts.get(submissionId) : undefined;
    if (waiting) waiting.remove();
    this.append(text !== undefined
      ? h('div.prompt', { 'data-submission': submissionId || '' }, text)
      : h('div.prompt.other', { 'data-submission': submissionId || '' }, h('span.tag', { text: 'from another client' }), '(prompt sent from another client)'));
  }

  /** Requests still open once the turn moved on were answered (elsewhere, or by us). */
  settle(event) {
    const msg = event.msg;
    if (msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request') return;
    const ended = msg.type === 'task_complete' || msg.type === 'turn_aborted';
    for (const [key, card] of this.pending) {
      const callId = card.callId;
      if (card.turnId !== event.turn_id && !ended) continue;
      if (card.approvalId && !ended) continue; // the server says when it is settled (approval_resolved)
      let outcome = card.decided ? DECIDED[card.decided] : null;
      if (!outcome) {
        if (msg.call_id === callId && (msg.type === 'exec_command_begin' || msg.type === 'patch_apply_begin')) outcome = 'Approved (answered from another client)';
        else if (ended && msg.type === 'turn_aborted') outcome = 'Not run: the turn ended';
        else outcome = 'Answered from another client; not run';
      }
      this.resolveCard(card, outcome);
      this.pending.delete(key);
    }
  }

  /** approval_resolved: the server settled a request (answered here or elsewhere, timed out, turn ended). */
  resolved(msg) {
    const key = msg.approval_id || msg.call_id;
    const card = this.pending.get(key);
    if (!card) return;
    this.pending.delete(key);
    const decision = DECIDED[msg.decision] || msg.decision || 'Settled';
    let outcome;
    if (card.decided && card.decided === msg.decision) outcome = DECIDED[card.decided];
    else if (msg.decided_by) outcome = `${decision} by ${msg.decided_by}`;
    else outcome = `${decision}${msg.reason ? `: ${msg.reason}` : ''}`;
    this.resolveCard(card, outcome);
  }

  resolveCard(card, outcome) {
    card.el.classList.add('resolved');
    card.el.dataset.state = 'resolved';
    const buttons = card.el.querySelector('.decisions');
    if (buttons) buttons.remove();
    card.el.append(h('div.outcome', { role: 'status', text: outcome }));
  }

  approvalCard(event, kind) {
    const msg = event.msg;
    const card = { turnId: event.turn_id, decided: null, callId: msg.call_id, approvalId: msg.approval_id };
    const decisions = h('div.decisions', { role: 'group', 'aria-label': 'Decision' }, DECISIONS.map(([decision, label, cls]) =>
      h('button' + (cls ? '.' + cls : ''), { type: 'button', 'data-decision': decision, text: label, onclick: async () => {
        for (const b of decisions.querySelectorAll('button')) b.disabled = true;
        card.decided = decision; // before the answer: the turn's next events may beat the 202 back
        try {
          if (msg.approval_id) {
            await api('POST', `/approvals/${encodeURIComponent(msg.approval_id)}`, { decision });
          } else {
            await this.submit({ type: kind === 'exec' ? 'exec_approval' : 'patch_approval', call_id: msg.call_id, decision });
          }
          if (decisions.isConnected) decisions.replaceChildren(h('span', { text: 'Sent: ' + DECIDED[decision] }));
          refreshInbox();
        } catch (err) {
          card.decided = null;
          if (err.status === 409) { decisions.replaceChildren(h('span', { text: 'Already settled elsewhere.' })); return; }
          for (const b of decisions.querySelectorAll('button')) b.disabled = false;
          decisions.append(h('span.alert', { text: err.message }));
        }
      } })));
    const body = kind === 'exec'
      ? [h('pre', null, h('code', { text: '$ ' + commandText(msg.command) })), h('div.hint', { text: `in ${msg.cwd || ''}` })]
      : [diffView(msg.changes, this.config && this.config.cwd), msg.grant_root ? h('div.hint', { text: `also grants writing under ${msg.grant_root}` }) : null];
    card.el = h('div.approval', { role: 'group', 'aria-label': kind === 'exec' ? 'Command approval' : 'Patch approval',
      'data-call': msg.call_id, 'data-approval': msg.approval_id || null, 'data-kind': kind, 'data-state': 'pending' },
    h('h3', { text: kind === 'exec' ? 'Run this command?' : 'Apply these changes?' }),
    ...body,
    msg.reason ? h('div.reason', null, h('strong', { text: 'Reason: ' }), msg.reason) : null,
    decisions);
    this.pending.set(msg.approval_id || msg.call_id, card);
    this.append(card.el);
  }

  agentText(text, final) {
    if (!this.agentBlock) {
      this.agentBlock = { el: this.append(h('div.agent', { 'data-role': 'agent' })), text: '' };
    }
    const block = this.agentBlock;
    block.text = final ? text : block.text + text;
    if (!block.frame) {
      block.frame = requestAnimationFrame(() => {
        block.frame = null;
        block.el.innerHTML = renderMarkdown(block.text); // safe: renderMarkdown escapes all input
        this.changed();
      });
    }
    if (final) {
      block.el.dataset.final = 'true';
      this.agentBlock = null;
    }
  }

  apply(event) {
    this.eventCount++;
    clearTimeout(this.noticeTimer);
    const msg = event.msg || {};
    this.settle(event);
    // a streamed message stays open until its agent_message (token counts and reasoning may come between)
    if (BLOCK_ENDS.has(msg.type)) this.agentBlock = null;
    switch (msg.type) {
      case 'session_configured': {
        this.config = msg;
        const banner = this.log.querySelector('#resume-banner');
        if (banner) banner.remove();
        this.metaEl.textContent = [msg.cwd, msg.model, msg.approval_policy && `approvals: ${msg.approval_policy}`,
          (msg.sandbox_permissions || []).join(', ')].filter(Boolean).join(' · ');
        if (msg.resumed) this.append(h('div.notice', { text: 'Session resumed.' }));
        break;
      }
      case 'task_started':
        this.turnRunning = true;
        this.showPrompt(event.id);
        this.setState('running');
        break;
      case 'user_message': {
        // the prompt of a turn another client (or an earlier page) started: its text fills the placeholder
        const other = [...this.log.querySelectorAll('.prompt.other')]
          .find(el => el.dataset.submission === (event.id || '') && !el.dataset.filled);
        if (other) {
          other.dataset.filled = 'true';
          other.replaceChildren(h('span.tag', { text: 'from another client' }), String(msg.message || ''));
        }
        break;
      }
      case 'agent_message_delta':
        this.agentText(msg.delta || '', false);
        break;
      case 'agent_message':
        this.agentText(msg.message || '', true);
        break;
      case 'agent_reasoning': {
        const first = String(msg.text || '').split('\n')[0].slice(0, 90);
        const d = h('details.reasoning', null, h('summary', null, 'Reasoning: ', first));
        const body = h('div');
        body.innerHTML = renderMarkdown(msg.text || ''); // safe: escaped by the renderer
        d.append(body);
        this.append(d);
        break;
      }
      case 'exec_command_begin': {
        const status = h('span.pill.running', { 'data-role': 'status', text: 'running' });
        const out = h('pre', { 'aria-label': 'output' });
        const el = h('details.cmd', { open: true, 'data-call': msg.call_id, 'data-state': 'running' },
          h('summary', null, h('code', { text: '$ ' + commandText(msg.command) }), status,
            h('span.pill', { 'data-role': 'sandbox', text: msg.sandboxed === false ? 'not sandboxed' : 'sandboxed' }),
            h('span.hint', { 'data-role': 'duration' })),
          out);
        this.commands.set(msg.call_id, { el, out, status, streamed: 0 });
        this.append(el);
        break;
      }
      case 'exec_command_output_delta': {
        const c = this.commands.get(msg.call_id);
        if (!c) break;
        c.streamed += (msg.chunk || '').length;
        if (c.out.textContent.length < 200000) {
          c.out.append(msg.stream === 'stderr' ? h('span.stderr', { text: msg.chunk }) : document.createTextNode(msg.chunk || ''));
        }
        this.changed();
        break;
      }
      case 'exec_command_end': {
        const c = this.commands.get(msg.call_id);
        if (!c) break;
        if (!c.streamed) {
          if (msg.stdout) c.out.append(document.createTextNode(msg.stdout));
          if (msg.stderr) c.out.append(h('span.stderr', { text: msg.stderr }));
        }
        if (!c.out.textContent) c.out.append(h('span.hint', { text: '(no output)' }));
        const ok = msg.exit_code === 0;
        c.status.className = `pill ${ok ? 'ok' : 'bad'}`;
        c.status.textContent = msg.timed_out ? 'timed out' : msg.sandbox_denied ? `denied by sandbox (exit ${msg.exit_code})` : `exit ${msg.exit_code}`;
        c.el.dataset.state = ok ? 'ok' : 'failed';
        c.el.dataset.exit = String(msg.exit_code);
        c.el.querySelector('[data-role=duration]').textContent = duration(msg.duration_ms);
        if (ok && c.out.textContent.split('\n').length > 12) c.el.open = false;
        this.changed();
        break;
      }
      case 'exec_approval_request':
        this.approvalCard(event, 'exec');
        this.setState('waiting');
        break;
      case 'apply_patch_approval_request':
        this.approvalCard(event, 'patch');
        this.setState('waiting');
        break;
      case 'approval_resolved':
        this.resolved(msg);
        if (this.pending.size === 0 && this.turnRunning) this.setState('running');
        break;
      case 'patch_apply_begin': {
        const status = h('span.pill.running', { 'data-role': 'status', text: 'applying' });
        const el = h('details.patch', { open: true, 'data-call': msg.call_id, 'data-state': 'running' },
          h('summary', null, h('strong', { text: msg.auto_approved ? 'Patch (auto-approved)' : 'Patch' }), status,
            h('span.hint', { text: Object.keys(msg.changes || {}).length + ' file(s)' })),
          diffView(msg.changes, this.config && this.config.cwd));
        this.commands.set(msg.call_id, { el, status });
        this.append(el);
        break;
      }
      case 'patch_apply_end': {
        const c = this.commands.get(msg.call_id);
        if (!c) break;
        c.status.className = `pill ${msg.success ? 'ok' : 'bad'}`;
        c.status.textContent = msg.success ? 'applied' : 'failed';
        c.el.dataset.state = msg.success ? 'ok' : 'failed';
        const text = msg.success ? msg.stdout : msg.stderr || msg.stdout;
        if (text) c.el.append(h('pre', { text }));
        this.changed();
        break;
      }
      case 'token_count':
        this.usage.input += msg.input_tokens || 0;
        this.usage.cached += msg.cached_input_tokens || 0;
        this.usage.output += msg.output_tokens || 0;
        this.usage.total += msg.total_tokens || 0;
        this.usageEl.textContent = `tokens: ${this.usage.input.toLocaleString()} in (${this.usage.cached.toLocaleString()} cached) · ${this.usage.output.toLocaleString()} out`;
        this.usageEl.title = `last response: ${msg.input_tokens} in, ${msg.output_tokens} out, ${msg.total_tokens} total`;
        break;
      case 'error':
        this.append(h('div.banner', { role: 'alert', 'data-role': 'error', text: msg.message || 'error' }));
        break;
      case 'background_event':
        this.append(h('div.notice', { text: msg.message || '' }));
        break;
      case 'turn_aborted':
        this.turnRunning = false;
        this.append(h('div.turn-end', { text: { interrupted: 'Turn interrupted.', aborted_by_user: 'Turn stopped (an approval was refused with "stop").', error: 'Turn ended by an error.' }[msg.reason] || `Turn ended: ${msg.reason}` }));
        this.setState('idle');
        break;
      case 'task_complete':
        this.turnRunning = false;
        this.append(h('div.turn-end', { text: 'Turn complete.' }));
        this.setState('idle');
        break;
      case 'shutdown_complete':
        this.append(h('div.notice', { text: 'Session shut down.' }));
        break;
      default:
        this.append(h('div.notice', { text: `(${msg.type || 'unknown'} event)` }));
    }
    this.log.setAttribute('data-last-seq', String(event.seq));
  }

  close() {
    clearTimeout(this.noticeTimer);
    this.stream.close();
  }
}

// ---- routing ------------------------------------------------------------------------------

function route() {
  if (!me) { showLogin(); return; }
  if (!frame) buildFrame();
  const m = location.pathname.match(/^\/sessions\/([\w-]+)$/);
  const id = m ? m[1] : null;
  if (!id) {
    if (current) current.close();
    current = null;
    frame.layout.dataset.view = 'list';
    frame.main.replaceChildren(h('div.welcome', null, h('p', { text: 'Pick a session, or start a new one.' })));
  } else if (!current || current.id !== id) {
    if (current) current.close();
    current = new SessionView(id);
    frame.layout.dataset.view = 'session';
    frame.main.replaceChildren(current.root);
    current.input.focus();
  }
  renderSessionList();
  setTitle();
}

async function boot() {
  const params = new URLSearchParams(location.search);
  const code = params.get('token');
  if (code !== null) {
    // the login link: trade the code for the cookie and drop it from the address bar and history
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
    try {
      await login(code);
      route();
      return;
    } catch (err) {
      showLogin(err.message);
      return;
    }
  }
  try {
    me = await api('GET', '/me');
  } catch (err) {
    if (err.status !== 401) showLogin(`The server cannot be reached (${err.message}).`);
    return; // a 401 already showed the login form
  }
  route();
}

boot();
