// A small Markdown renderer for the agent's text, safe by construction: every piece of the
// input is HTML-escaped before any tag is added, and the only tags added are the ones below.
// Links keep only http(s), mailto and same-site targets. No raw HTML passes through.
// Supported: paragraphs (single newlines kept), headings, fenced and indented code, inline
// code, bold, italic, strikethrough, links and bare URLs, lists (nested), blockquotes, rules,
// and GitHub-style tables. An unclosed fence (text still streaming) renders as code so far.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function safeUrl(raw) {
  const url = raw.trim();
  if (/^(https?:\/\/|mailto:)/i.test(url)) return url;
  if (/^(\/(?!\/)|#)/.test(url)) return url;
  return null;
}

function link(url, html) {
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${html}</a>`;
}

// Emphasis on already-escaped text.
function emphasis(escaped) {
  return escaped
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?!\*)/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>');
}

export function renderInline(raw) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let s = String(raw).replace(/\u0000/g, '');
  s = s.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (m, ticks, code) =>
    hold(`<code>${escapeHtml(code.length > 2 && code.startsWith(' ') && code.endsWith(' ') ? code.slice(1, -1) : code)}</code>`));
  s = s.replace(/\[([^\]\n]+)\]\(([^()\s]+)\)/g, (m, text, url) => {
    const safe = safeUrl(url);
    return safe ? hold(link(safe, emphasis(escapeHtml(text)))) : m;
  });
  s = s.replace(/\bhttps?:\/\/[^\s<>"'`\u0000]*[^\s<>"'`\u0000.,;:!?)\]]/g, (url) => hold(link(url, escapeHtml(url))));
  s = emphasis(escapeHtml(s));
  return s.replace(/\u0000(\d+)\u0000/g, (m, i) => held[Number(i)]);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function cells(line) {
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  return t.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function renderBlocks(lines) {
  const out = [];
  let para = [];
  const flush = () => {
    if (para.length) out.push(`<p>${para.map(renderInline).join('<br>')}</p>`);
    para = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if ((m = FENCE.exec(line))) {
      flush();
      const fence = m[1];
      const lang = m[2];
      const body = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(lines[i])) {
        body.push(lines[i]);
        i++;
      }
      i++;
      const cls = lang ? ` class="language-${escapeHtml(lang)}"` : '';
      out.push(`<pre><code${cls}>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (!line.trim()) {
      flush();
      i++;
      continue;
    }
    if (!para.length && /^( {4}|\t)/.test(line)) {
      const body = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || !lines[i].trim())) {
        body.push(lines[i].replace(/^( {4}|\t)/, ''));
        i++;
      }
      while (body.length && !body[body.length - 1].trim()) body.pop();
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if ((m = HEADING.exec(line))) {
      flush();
      const level = m[1].length;
      out.push(`<h${level}>${renderInline(m[2])}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line) && !(para.length && /^ {0,3}-/.test(line))) {
      flush();
      out.push('<hr>');
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      flush();
      const body = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
        body.push(m[1]);
        i++;
      }
      out.push(`<blockquote>${renderBlocks(body)}</blockquote>`);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      flush();
      const head = cells(line);
      const align = cells(lines[i + 1]).map((c) => (c.endsWith(':') ? (c.startsWith(':') ? 'center' : 'right') : c.startsWith(':') ? 'left' : ''));
      const td = (tag, c, k) => `<${tag}${align[k] ? ` class="align-${align[k]}"` : ''}>${renderInline(c)}</${tag}>`;
      let html = `<table><thead><tr>${head.map((c, k) => td('th', c, k)).join('')}</tr></thead><tbody>`;
      i += 2;
      while (i < lines.length && lines[i].includes('|') && lines[i].trim()) {
        html += `<tr>${cells(lines[i]).map((c, k) => td('td', c, k)).join('')}</tr>`;
        i++;
      }
      out.push(`<div class="table">${html}</tbody></table></div>`);
      continue;
    }
    if ((m = ITEM.exec(line)) && (!para.length || m[1].length === 0)) {
      flush();
      const ordered = /\d/.test(m[2]);
      const start = ordered ? parseInt(m[2], 10) : 1;
      const items = [];
      const baseIndent = m[1].length;
      while (i < lines.length) {
        const item = ITEM.exec(lines[i]);
        if (item && item[1].length <= baseIndent + 1 && /\d/.test(item[2]) === ordered) {
          const contentIndent = item[1].length + item[2].length + 1;
          const body = [item[3]];
          i++;
          while (i < lines.length) {
            const next = lines[i];
            if (!next.trim()) {
              if (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && lines[i + 1].search(/\S/) >= contentIndent) {
                body.push('');
                i++;
                continue;
              }
              break;
            }
            const indent = next.search(/\S/);
            const asItem = ITEM.exec(next);
            if (asItem && indent <= baseIndent + 1) break;
            if (indent >= Math.min(contentIndent, baseIndent + 2)) {
              body.push(next.slice(Math.min(indent, contentIndent)));
              i++;
              continue;
            }
            if (asItem || HEADING.test(next) || FENCE.test(next) || QUOTE.test(next)) break;
            body.push(next.trim());
            i++;
          }
          items.push(body);
        } else {
          break;
        }
      }
      const tag = ordered ? 'ol' : 'ul';
      const attr = ordered && start !== 1 ? ` start="${start}"` : '';
      const lis = items.map((body) => {
        let html = renderBlocks(body);
        const single = html.match(/^<p>([\s\S]*?)<\/p>/);
        if (single && html.indexOf('<p>', 1) < 0) html = single[1] + html.slice(single[0].length);
        return `<li>${html}</li>`;
      });
      out.push(`<${tag}${attr}>${lis.join('')}</${tag}>`);
      continue;
    }
    para.push(line);
    i++;
  }
  flush();
  return out.join('');
}

/** Markdown text → safe HTML. */
export function renderMarkdown(text) {
  return renderBlocks(String(text ?? '').replace(/\r\n?/g, '\n').split('\n'));
}
