// shadowdiff diff dashboard: endpoint table -> field breakdown + examples -> one example's
// old and new responses side by side, differing paths highlighted.
//
// Data: GET /api/endpoints and GET /api/mismatches (docs/ADMIN_API.md), polled every 2 s
// while live. State lives in the URL hash (#endpoint=..&method=..&field=..&example=N), so a
// link (or a headless browser) opens a view directly.
//
// Safety: examples are untrusted traffic. Nothing from the API is ever parsed as HTML: every
// node is built with createElement/textContent (see h()), links are "#..." built here, and the
// server's Content-Security-Policy allows no inline script.
'use strict';

(() => {
  const REFRESH_MS = 2000;
  const FETCH_TIMEOUT_MS = 5000;
  const EXAMPLE_LIMIT = 50;
  const KINDS = ['missing', 'extra', 'value', 'type'];
  const KIND_HELP = {
    missing: 'in old, missing in new',
    extra: 'not in old, extra in new',
    value: 'same type, different value',
    type: 'different JSON types',
  };

  // ---- DOM helpers ---------------------------------------------------------------------

  // h('td', {class: 'x', title: 't', onclick: fn}, child...): children are nodes or text.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }
  function setAttrs(el, attrs) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  const $ = (id) => document.getElementById(id);
  function replace(el, ...children) {
    el.replaceChildren();
    append(el, children);
  }

  // ---- state in the URL hash -------------------------------------------------------------

  function readHash() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ''));
    const example = p.get('example');
    return {
      endpoint: p.get('endpoint'),
      method: p.get('method'),
      field: p.get('field'),
      example: example !== null && /^\d+$/.test(example) ? Number(example) : null,
    };
  }
  function hashFor(view) {
    const p = new URLSearchParams();
    if (view.endpoint !== null && view.endpoint !== undefined) {
      p.set('endpoint', view.endpoint);
      if (view.method) p.set('method', view.method);
      if (view.field) p.set('field', view.field);
      if (view.example !== null && view.example !== undefined) p.set('example', view.example);
    }
    const s = p.toString();
    return s ? '#' + s : '#';
  }

  // ---- JSON that keeps numbers as written ------------------------------------------------
  // Bodies are stored with numbers as sent (1.0 stays 1.0, big ids keep their digits). Where
  // the browser gives the reviver the source text, such numbers become RawNumber.

  class RawNumber {
    constructor(text) { this.text = text; }
    toString() { return this.text; }
    valueOf() { return Number(this.text); }
  }
  // A number field of a record (duration_ms, ...), whichever way it was parsed; else null.
  const num = (v) => (typeof v === 'number' ? v : v instanceof RawNumber ? Number(v.text) : null);
  function parseJson(text) {
    return JSON.parse(text, function (key, value, context) {
      if (typeof value === 'number' && context && typeof context.source === 'string' &&
          context.source !== String(value)) {
        return new RawNumber(context.source);
      }
      return value;
    });
  }
  function scalarText(value) {
    if (value instanceof RawNumber) return value.text;
    if (typeof value === 'string') return JSON.stringify(value);
    return String(value);
  }
  function scalarClass(value) {
    if (value === null) return 'j-null';
    if (value instanceof RawNumber || typeof value === 'number') return 'j-num';
    if (typeof value === 'boolean') return 'j-bool';
    return 'j-str';
  }
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) &&
      !(v instanceof RawNumber);
  // Compact JSON of a diff value, numbers as written.
  function compact(value) {
    if (value === undefined) return '';
    if (Array.isArray(value)) return '[' + value.map(compact).join(',') + ']';
    if (isObject(value)) {
      return '{' + Object.entries(value).map(([k, v]) => JSON.stringify(k) + ':' + compact(v))
          .join(',') + '}';
    }
    return scalarText(value);
  }

  // ---- diff paths (as the proxy spells them: src/core/diff.h) -----------------------------

  function childKeyPath(path, key) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path + '.' + key;
    return path + "['" + key.replace(/[\\']/g, (c) => '\\' + c) + "']";
  }
  const childIndexPath = (path, i) => path + '[' + i + ']';
  // Whether `path` is `diffPath` or inside it.
  function within(path, diffPath) {
    if (!path.startsWith(diffPath)) return false;
    const next = path.charAt(diffPath.length);
    return next === '' || next === '.' || next === '[';
  }
  // Per side, the diff (if any) that a value at `path` belongs to: the innermost one.
  // missing: old side only; extra: new side only; value/type: both.
  function highlighter(diffs, side) {
    const relevant = diffs.filter((d) => d && typeof d.path === 'string' &&
        (side === 'old' ? d.kind !== 'extra' : d.kind !== 'missing'))
        .map((d) => ({kind: d.kind, path: d.path === 'body' ? '$' : d.path}));
    return (path) => {
      let best = null;
      for (const d of relevant) {
        if (within(path, d.path) && (!best || d.path.length > best.path.length)) best = d;
      }
      return best;
    };
  }

  // ---- side-by-side JSON rendering --------------------------------------------------------
  // Walks old and new together, producing aligned rows {old: Line|null, new: Line|null};
  // null is a filler where one side has nothing (a missing or extra member). A Line is
  // {indent, key, text, cls, open/close tokens, comma, path}.

  const ABSENT = Symbol('absent');

  function line(indent, key, tokens, comma, path) {
    return {indent, key, tokens, comma, path};
  }
  // The lines of one value alone (one side).
  function valueLines(value, key, indent, comma, path, out) {
    if (Array.isArray(value) || isObject(value)) {
      const arr = Array.isArray(value);
      const entries = arr ? value.map((v, i) => [i, v]) : Object.entries(value);
      const [open, close] = arr ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        out.push(line(indent, key, [[open + close, 'j-punct']], comma, path));
        return out;
      }
      out.push(line(indent, key, [[open, 'j-punct']], false, path));
      entries.forEach(([k, v], i) => {
        valueLines(v, arr ? null : k, indent + 1, i < entries.length - 1,
                   arr ? childIndexPath(path, k) : childKeyPath(path, k), out);
      });
      out.push(line(indent, null, [[close, 'j-punct']], comma, path));
      return out;
    }
    out.push(line(indent, key, [[scalarText(value), scalarClass(value)]], comma, path));
    return out;
  }
  const zip = (a, b) => {
    const rows = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      rows.push({old: a[i] || null, new: b[i] || null});
    }
    return rows;
  };
  // Member order: old's order, each new-only member right after the member it follows in new.
  function mergedKeys(a, b) {
    const ak = Object.keys(a);
    const bk = Object.keys(b);
    const inA = new Set(ak);
    const out = [];
    const seen = new Set();
    let j = 0;
    // Advances j over new's members that are new-only (taking them) or already taken.
    const takeNewOnly = () => {
      for (; j < bk.length && (!inA.has(bk[j]) || seen.has(bk[j])); j++) {
        if (!seen.has(bk[j])) { out.push(bk[j]); seen.add(bk[j]); }
      }
    };
    takeNewOnly();
    for (const k of ak) {
      out.push(k);
      seen.add(k);
      takeNewOnly();
    }
    return out;
  }
  // Aligned rows of old value `a` and new value `b` (either may be ABSENT).
  function pairRows(a, b, key, indent, commaA, commaB, path, rows) {
    if (a === ABSENT || b === ABSENT) {
      const lines = valueLines(a === ABSENT ? b : a, key, indent,
                               a === ABSENT ? commaB : commaA, path, []);
      for (const l of lines) rows.push(a === ABSENT ? {old: null, new: l} : {old: l, new: null});
      return rows;
    }
    const bothObjects = isObject(a) && isObject(b);
    const bothArrays = Array.isArray(a) && Array.isArray(b);
    if (!bothObjects && !bothArrays) {
      rows.push(...zip(valueLines(a, key, indent, commaA, path, []),
                       valueLines(b, key, indent, commaB, path, [])));
      return rows;
    }
    const keys = bothArrays
        ? Array.from({length: Math.max(a.length, b.length)}, (_, i) => i)
        : mergedKeys(a, b);
    const has = (v, k) => (bothArrays ? k < v.length : Object.prototype.hasOwnProperty.call(v, k));
    const [open, close] = bothArrays ? ['[', ']'] : ['{', '}'];
    const sizeA = bothArrays ? a.length : Object.keys(a).length;
    const sizeB = bothArrays ? b.length : Object.keys(b).length;
    if (sizeA === 0 && sizeB === 0) {
      rows.push({old: line(indent, key, [[open + close, 'j-punct']], commaA, path),
                 new: line(indent, key, [[open + close, 'j-punct']], commaB, path)});
      return rows;
    }
    rows.push({old: line(indent, key, [[open, 'j-punct']], false, path),
               new: line(indent, key, [[open, 'j-punct']], false, path)});
    let seenA = 0;
    let seenB = 0;
    const childPath = (k) => (bothArrays ? childIndexPath(path, k) : childKeyPath(path, k));
    for (let i = 0; i < keys.length;) {
      const k = keys[i];
      const inA = has(a, k);
      const inB = has(b, k);
      if (inA && inB) {
        seenA++;
        seenB++;
        pairRows(a[k], b[k], bothArrays ? null : k, indent + 1, seenA < sizeA, seenB < sizeB,
                 childPath(k), rows);
        i++;
        continue;
      }
      // A run of one-sided members (e.g. "phone" only in old, "phone_number" only in new):
      // old's on the left, new's on the right, side by side in the same rows.
      const left = [];
      const right = [];
      for (; i < keys.length && has(a, keys[i]) !== has(b, keys[i]); i++) {
        const key = keys[i];
        if (has(a, key)) {
          seenA++;
          valueLines(a[key], bothArrays ? null : key, indent + 1, seenA < sizeA, childPath(key),
                     left);
        } else {
          seenB++;
          valueLines(b[key], bothArrays ? null : key, indent + 1, seenB < sizeB, childPath(key),
                     right);
        }
      }
      rows.push(...zip(left, right));
    }
    rows.push({old: line(indent, null, [[close, 'j-punct']], commaA, path),
               new: line(indent, null, [[close, 'j-punct']], commaB, path)});
    return rows;
  }

  // A body as shown: {json: value} for JSON, {text: string} otherwise, or null.
  function bodyOf(part) {
    if (!part) return null;
    if (Object.prototype.hasOwnProperty.call(part, 'body_base64')) {
      return {text: '(binary body, base64) ' + String(part.body_base64), binary: true};
    }
    if (!Object.prototype.hasOwnProperty.call(part, 'body')) return null;
    const body = part.body;
    const contentType = headerValue(part.headers, 'content-type') || '';
    if (typeof body === 'string' && !/json/i.test(contentType)) {
      return body === '' ? {text: '', empty: true} : {text: body};
    }
    return {json: body};
  }

  function codeLine(l, side, mark) {
    if (!l) return h('div', {class: 'line filler ' + side, 'aria-hidden': 'true'});
    const d = mark(l.path);
    const cls = 'line ' + side + (d ? ' diff-' + d.kind : '');
    const content = [];
    if (l.key !== null && l.key !== undefined) {
      content.push(h('span', {class: 'j-key'}, JSON.stringify(String(l.key))), ': ');
    }
    for (const [text, tokenClass] of l.tokens) content.push(h('span', {class: tokenClass}, text));
    if (l.comma) content.push(',');
    return h('div', {class: cls, 'data-path': l.path, title: d ? d.kind + ' at ' + d.path : null},
             h('span', {class: 'indent'}, '  '.repeat(l.indent)), content);
  }
  function textLines(text, side, mark) {
    const d = mark('$');
    return text.split('\n').map((t) => h('div', {
      class: 'line ' + side + (d ? ' diff-' + d.kind : ''), 'data-path': 'body',
    }, t));
  }

  // The side-by-side panes of the two response bodies.
  function bodiesView(record) {
    const diffs = Array.isArray(record.diffs) ? record.diffs : [];
    const markOld = highlighter(diffs, 'old');
    const markNew = highlighter(diffs, 'new');
    const oldBody = bodyOf(record.old);
    const newBody = bodyOf(record.new);
    const grid = h('div', {class: 'sbs', id: 'sbs'});
    grid.append(paneHead('old', record), paneHead('new', record));
    if (oldBody && newBody && 'json' in oldBody && 'json' in newBody) {
      for (const row of pairRows(oldBody.json, newBody.json, null, 0, false, false, '$', [])) {
        grid.append(codeLine(row.old, 'old', markOld), codeLine(row.new, 'new', markNew));
      }
      return grid;
    }
    const sideLines = (body, side, mark) => {
      if (!body) return [h('div', {class: 'line none ' + side}, 'no response body')];
      if ('json' in body) {
        return valueLines(body.json, null, 0, false, '$', []).map((l) => codeLine(l, side, mark));
      }
      if (body.empty) return [h('div', {class: 'line none ' + side}, '(empty body)')];
      return textLines(body.text, side, mark);
    };
    const left = sideLines(oldBody, 'old', markOld);
    const right = sideLines(newBody, 'new', markNew);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      grid.append(left[i] || h('div', {class: 'line filler old'}),
                  right[i] || h('div', {class: 'line filler new'}));
    }
    return grid;
  }
  function paneHead(side, record) {
    const part = record[side];
    const role = record.primary === side ? 'primary' : 'shadow';
    const facts = [];
    if (part) {
      facts.push(h('span', {class: 'status-code' + (statusDiffers(record) ? ' diff-value' : '')},
                   String(part.status)));
      if (num(part.duration_ms) !== null) facts.push(fmtMs(num(part.duration_ms)));
      if (part.body_truncated) facts.push(h('span', {class: 'badge warn'}, 'truncated'));
      if (part.body_decoded) facts.push(h('span', {class: 'badge'}, 'decoded'));
    } else {
      facts.push(h('span', {class: 'badge bad'}, 'no response'));
    }
    return h('div', {class: 'pane-head ' + side},
             h('strong', null, side), h('span', {class: 'role'}, role), ...facts);
  }

  // ---- headers ----------------------------------------------------------------------------

  function headerValue(headers, name) {
    if (!Array.isArray(headers)) return null;
    const want = name.toLowerCase();
    const values = headers.filter((p) => Array.isArray(p) && String(p[0]).toLowerCase() === want)
        .map((p) => String(p[1]));
    return values.length ? values.join(', ') : null;
  }
  function headerNames(...lists) {
    const names = [];
    const seen = new Set();
    for (const list of lists) {
      for (const p of Array.isArray(list) ? list : []) {
        const lower = String(p[0]).toLowerCase();
        if (!seen.has(lower)) { seen.add(lower); names.push(lower); }
      }
    }
    return names;
  }
  function statusDiffers(record) {
    return (record.diffs || []).some((d) => d.path === 'status');
  }
  function responseHeadersView(record) {
    const byPath = new Map((record.diffs || []).map((d) => [d.path, d]));
    const names = headerNames(record.old && record.old.headers, record.new && record.new.headers);
    const rows = [];
    const status = byPath.get('status');
    rows.push(h('tr', {class: status ? 'diff-' + status.kind : null},
                h('th', null, 'status'),
                h('td', null, record.old ? String(record.old.status) : '—'),
                h('td', null, record.new ? String(record.new.status) : '—'),
                h('td', null, status ? kindChip(status.kind) : '')));
    for (const name of names) {
      const d = byPath.get('header:' + name);
      const ov = record.old ? headerValue(record.old.headers, name) : null;
      const nv = record.new ? headerValue(record.new.headers, name) : null;
      rows.push(h('tr', {class: d ? 'diff-' + d.kind : null},
                  h('th', null, name),
                  h('td', null, ov === null ? h('span', {class: 'absent'}, 'absent') : ov),
                  h('td', null, nv === null ? h('span', {class: 'absent'}, 'absent') : nv),
                  h('td', null, d ? kindChip(d.kind) : '')));
    }
    return h('table', {class: 'grid kv', id: 'response-headers'},
             h('thead', null, h('tr', null, h('th', null, 'Status / header'), h('th', null, 'old'),
                                h('th', null, 'new'), h('th', null, ''))),
             h('tbody', null, rows));
  }
  function requestView(record) {
    const req = record.request || {};
    const headers = Array.isArray(req.headers) ? req.headers : [];
    const body = bodyOf(req);
    let bodyView = h('p', {class: 'empty small'}, 'no body');
    if (body && 'json' in body) {
      bodyView = h('div', {class: 'code'},
                   valueLines(body.json, null, 0, false, '$', [])
                       .map((l) => codeLine(l, 'req', () => null)));
    } else if (body && !body.empty) {
      bodyView = h('pre', {class: 'code'}, body.text);
    }
    return h('details', {class: 'request', id: 'request'},
             h('summary', null, 'Request ', h('code', null,
                                               String(req.method || record.method || ''), ' ',
                                               String(req.target || record.target || ''))),
             h('table', {class: 'grid kv'}, h('tbody', null, headers.map((p) =>
                 h('tr', null, h('th', null, String(p[0])), h('td', null, String(p[1])))))),
             bodyView);
  }

  // ---- small views --------------------------------------------------------------------------

  function kindChip(kind) {
    const k = KINDS.includes(kind) ? kind : 'value';
    return h('span', {class: 'kind kind-' + k, title: KIND_HELP[k]}, String(kind));
  }
  function fmtCount(n) {
    return typeof n === 'number' ? n.toLocaleString('en-US') : '—';
  }
  function fmtRate(rate) {
    if (typeof rate !== 'number') return '—';
    // Floor, so 99.96 % never shows as 100 %.
    const pct = Math.floor(rate * 1000) / 10;
    return (pct === 100 ? '100' : pct.toFixed(1)) + '%';
  }
  function rateClass(rate) {
    if (typeof rate !== 'number') return 'none';
    if (rate >= 0.99) return 'good';
    if (rate >= 0.9) return 'warn';
    return 'bad';
  }
  function fmtMs(ms) {
    return (ms < 10 ? ms.toFixed(1) : Math.round(ms)) + ' ms';
  }
  function fmtTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return String(iso || '');
    const pad = (n) => String(n).padStart(2, '0');
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function fmtAge(iso) {
    const ms = Date.now() - new Date(iso).getTime();
    if (!isFinite(ms)) return '';
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }
  function fmtUptime(seconds) {
    if (typeof seconds !== 'number') return '';
    const d = Math.floor(seconds / 86400);
    const hh = Math.floor((seconds % 86400) / 3600);
    const mm = Math.floor((seconds % 3600) / 60);
    if (d) return d + 'd ' + hh + 'h';
    if (hh) return hh + 'h ' + mm + 'm';
    return mm + 'm ' + Math.floor(seconds % 60) + 's';
  }

  function rateBar(rate) {
    const bar = h('div', {class: 'bar'}, h('div', {class: 'fill ' + rateClass(rate)}));
    // CSSOM, not a style attribute: allowed by the CSP.
    bar.firstChild.style.width = typeof rate === 'number' ? (rate * 100).toFixed(1) + '%' : '0';
    return h('div', {class: 'rate'}, bar, h('span', {class: 'rate-text ' + rateClass(rate)},
                                             fmtRate(rate)));
  }

  // Volume bars (grey) and match rate line over the last 30 minutes, placed by minute.
  function sparkline(trend, generatedAt) {
    const W = 120;
    const H = 28;
    const el = svg('svg', {class: 'spark', width: W, height: H, viewBox: `0 0 ${W} ${H}`,
                           role: 'img'});
    const points = (Array.isArray(trend) ? trend : []).filter((p) => p && p.minute);
    if (!points.length) {
      el.append(svg('line', {x1: 0, y1: H - 1, x2: W, y2: H - 1, class: 'spark-axis'}));
      el.setAttribute('aria-label', 'no requests in the last 30 minutes');
      return el;
    }
    const end = Math.floor((generatedAt ? new Date(generatedAt) : new Date()).getTime() / 60000);
    const slot = W / 30;
    const maxReq = Math.max(1, ...points.map((p) => p.requests || 0));
    const line = [];
    for (const p of points) {
      const minute = Math.floor(new Date(p.minute).getTime() / 60000);
      const i = 29 - Math.min(29, Math.max(0, end - minute));
      const x = i * slot;
      const barH = Math.max(1, ((p.requests || 0) / maxReq) * (H - 4));
      el.append(svg('rect', {class: 'spark-bar', x: (x + 0.5).toFixed(1),
                             y: (H - barH).toFixed(1), width: (slot - 1).toFixed(1),
                             height: barH.toFixed(1)},
                    svg('title', null, `${fmtTime(p.minute)}: ${fmtCount(p.requests)} requests, ` +
                                       `match ${fmtRate(p.match_rate)}`)));
      if (typeof p.match_rate === 'number') {
        line.push([x + slot / 2, 2 + (1 - p.match_rate) * (H - 4)]);
      }
    }
    if (line.length === 1) {
      el.append(svg('circle', {class: 'spark-dot', cx: line[0][0].toFixed(1),
                               cy: line[0][1].toFixed(1), r: 1.8}));
    } else if (line.length > 1) {
      el.append(svg('polyline', {class: 'spark-line',
                                 points: line.map(([x, y]) => x.toFixed(1) + ',' + y.toFixed(1))
                                     .join(' ')}));
    }
    el.setAttribute('aria-label', 'requests and match rate per minute');
    return el;
  }

  // ---- fetching ---------------------------------------------------------------------------

  async function getJson(url, {raw = false} = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      const res = await fetch(url, {signal: controller.signal, cache: 'no-store',
                                    headers: {Accept: 'application/json'}});
      const text = await res.text();
      let body = null;
      try {
        body = raw ? parseJson(text) : JSON.parse(text);
      } catch (e) {
        throw new Error(`${url.split('?')[0]}: HTTP ${res.status}, not JSON`);
      }
      if (!res.ok) {
        throw new Error(`${url.split('?')[0]}: HTTP ${res.status}` +
                        (body && body.error ? ': ' + body.error : ''));
      }
      return body;
    } catch (e) {
      if (e.name === 'AbortError') throw new Error(`${url.split('?')[0]}: no answer in 5 s`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- the page -----------------------------------------------------------------------------

  const state = {
    live: true,
    view: readHash(),
    endpoints: null,      // last /api/endpoints answer
    examples: null,       // last /api/mismatches answer's examples for view's endpoint/field
    examplesKey: null,    // which query `examples` answers
    record: null,         // the example shown (kept while the list refreshes)
    recordKey: null,
    error: null,
    busy: false,
    again: false,
  };

  const viewKey = (v) => JSON.stringify([v.endpoint, v.method, v.field]);
  const recordId = (r) => r ? JSON.stringify([r.time, r.target, r.outcome, r.method]) : null;

  function selectedEndpoint() {
    const v = state.view;
    if (!state.endpoints || v.endpoint === null) return null;
    return (state.endpoints.endpoints || []).find((e) => e.endpoint === v.endpoint &&
        (!v.method || e.method === v.method)) || null;
  }

  // Fetches what the current view needs, then renders. A call while one is running runs
  // again after it (a navigation must not wait for the next tick, nor be lost when paused).
  async function refresh() {
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    const v = state.view;
    const key = viewKey(v);
    const errors = [];
    const endpointsP = getJson('/api/endpoints').then((b) => { state.endpoints = b; },
                                                      (e) => errors.push(e.message));
    let examplesP = Promise.resolve();
    if (v.endpoint !== null) {
      const q = new URLSearchParams({endpoint: v.endpoint, limit: String(EXAMPLE_LIMIT)});
      if (v.method) q.set('method', v.method);
      if (v.field) q.set('field', v.field);
      examplesP = getJson('/api/mismatches?' + q.toString(), {raw: true}).then((b) => {
        if (viewKey(state.view) !== key) return;  // the view changed meanwhile
        state.examples = Array.isArray(b && b.examples) ? b.examples : [];
        state.examplesKey = key;
      }, (e) => errors.push(e.message));
    }
    await Promise.all([endpointsP, examplesP]);
    state.error = errors.length ? errors.join('; ') : null;
    state.busy = false;
    render();
    if (state.again) {
      state.again = false;
      refresh();
    }
  }

  function render() {
    renderStatus();
    renderEndpoints();
    renderDetail();
    renderExample();
  }

  function renderStatus() {
    const el = $('status');
    const parts = [];
    const e = state.endpoints;
    if (state.error) parts.push(h('span', {class: 'badge bad'}, 'error'), ' ', state.error);
    if (e) {
      if (e.paused) parts.push(h('span', {class: 'badge warn'}, 'traffic paused'));
      if (parts.length) parts.push(' · ');
      parts.push('up ' + fmtUptime(e.uptime_seconds), ' · updated ',
                 fmtTime(e.generated_at || new Date().toISOString()));
    } else if (!state.error) {
      parts.push('loading…');
    }
    if (!state.live) parts.push(' · ', h('span', {class: 'badge'}, 'updates paused'));
    replace(el, parts);
    const button = $('live-toggle');
    button.textContent = state.live ? 'Pause updates' : 'Resume updates';
    button.setAttribute('aria-pressed', String(state.live));
  }

  function renderEndpoints() {
    const tbody = $('endpoints').tBodies[0];
    const empty = $('endpoints-empty');
    const list = state.endpoints && Array.isArray(state.endpoints.endpoints)
        ? state.endpoints.endpoints : [];
    const v = state.view;
    replace(tbody, list.map((e) => {
      const link = hashFor({endpoint: e.endpoint, method: e.method});
      const selected = v.endpoint === e.endpoint && (!v.method || v.method === e.method);
      const top = Array.isArray(e.fields) && e.fields.length ? e.fields[0] : null;
      const outcomes = e.outcomes || {};
      const tip = Object.entries(outcomes).filter(([, n]) => n)
          .map(([k, n]) => `${k}: ${fmtCount(n)}`).join('\n');
      return h('tr', {class: 'endpoint-row' + (selected ? ' selected' : ''),
                      'data-endpoint': e.endpoint, 'data-method': e.method,
                      onclick: (ev) => { if (ev.target.tagName !== 'A') location.hash = link; }},
               h('td', {class: 'endpoint'}, h('a', {href: link}, String(e.endpoint))),
               h('td', null, h('span', {class: 'method'}, String(e.method || ''))),
               h('td', null, h('span', {class: 'mode mode-' + String(e.shadow)},
                               String(e.shadow || ''))),
               h('td', {class: 'num', title: tip || null}, fmtCount(e.requests)),
               h('td', {class: 'num' + (outcomes.mismatch ? ' bad' : ' muted'),
                        title: tip || null}, fmtCount(outcomes.mismatch || 0)),
               h('td', null, rateBar(e.match_rate)),
               h('td', null, sparkline(e.trend, state.endpoints.generated_at)),
               h('td', null, e.tripped
                   ? h('span', {class: 'badge bad', title:
                                'rollback unconfirmed: no shadow calls until POST ' +
                                '/api/endpoints/reset'}, 'tripped')
                   : h('span', {class: 'badge ok'}, 'ok')),
               h('td', {class: 'top-field'}, top
                   ? [h('code', null, String(top.field)), ' ', kindChip(top.kind),
                      top.noise ? noiseBadge() : null]
                   : h('span', {class: 'muted'}, '—')));
    }));
    empty.hidden = list.length > 0 || !state.endpoints;
    empty.textContent = 'No traffic seen yet. Send requests through the proxy; this page ' +
        'refreshes every 2 s.';
  }

  function noiseBadge() {
    return h('span', {class: 'badge noise', title: 'old and secondary differ here too: noise'},
             'noise');
  }

  function renderDetail() {
    const v = state.view;
    const detail = $('detail');
    detail.hidden = v.endpoint === null;
    if (v.endpoint === null) return;
    const e = selectedEndpoint();
    replace($('fields-title'), '— ', h('span', {class: 'method'}, v.method || 'any'), ' ',
            h('code', null, v.endpoint));

    const fields = e && Array.isArray(e.fields) ? e.fields : [];
    const max = Math.max(1, ...fields.map((f) => f.count || 0));
    replace($('fields').tBodies[0], fields.map((f) => {
      const link = hashFor({endpoint: v.endpoint, method: v.method,
                            field: v.field === f.field ? null : f.field});
      const bar = h('div', {class: 'minibar'}, h('div', {class: 'fill kind-' + f.kind}));
      bar.firstChild.style.width = ((f.count || 0) / max * 100).toFixed(1) + '%';
      return h('tr', {class: 'field-row' + (v.field === f.field ? ' selected' : '') +
                             (f.noise ? ' is-noise' : ''),
                      'data-field': f.field, 'data-kind': f.kind,
                      onclick: (ev) => { if (ev.target.tagName !== 'A') location.hash = link; }},
               h('td', null, h('a', {href: link, title: 'show examples with this field'},
                               h('code', null, String(f.field)))),
               h('td', null, kindChip(f.kind)),
               h('td', {class: 'num'}, fmtCount(f.count)),
               h('td', null, bar, f.noise ? noiseBadge() : null));
    }));
    const fieldsEmpty = $('fields-empty');
    fieldsEmpty.hidden = fields.length > 0;
    fieldsEmpty.textContent = !state.endpoints ? 'loading…'
        : !e ? 'This endpoint has no traffic since the proxy started.'
        : 'No differing fields: every shadowed response matched.';
    const noise = e && Array.isArray(e.noise_fields) ? e.noise_fields : [];
    replace($('noise-fields'), noise.length ? [
      h('h3', null, 'Noise ', h('span', {class: 'sub'}, '(old and secondary differ too)')),
      h('table', {class: 'grid'}, h('tbody', null, noise.map((n) =>
          h('tr', {class: 'noise-row'}, h('td', null, h('code', null, String(n.field))),
            h('td', {class: 'num'}, fmtCount(n.count)), h('td', null, noiseBadge()))))),
    ] : []);

    replace($('field-filter'), v.field ? h('span', {class: 'filter'}, 'field ',
        h('code', null, v.field), ' ',
        h('a', {href: hashFor({endpoint: v.endpoint, method: v.method}), class: 'clear',
                title: 'show all examples'}, '×')) : []);

    const examples = state.examplesKey === viewKey(v) ? state.examples : null;
    const shownId = recordId(state.record);
    replace($('examples'), (examples || []).map((r, i) => {
      const link = hashFor({...v, example: i});
      const diffs = Array.isArray(r.diffs) ? r.diffs : [];
      const selected = shownId !== null && recordId(r) === shownId;
      const status = (r.old ? r.old.status : '—') + ' → ' + (r.new ? r.new.status : '—');
      return h('li', {class: 'example' + (selected ? ' selected' : ''), 'data-index': i},
               h('a', {href: link},
                 h('span', {class: 'ex-time', title: String(r.time)}, fmtTime(r.time)),
                 h('span', {class: 'outcome outcome-' + String(r.outcome)}, String(r.outcome)),
                 h('code', {class: 'ex-target'},
                   String(r.method || ''), ' ', String(r.target || '')),
                 h('span', {class: 'ex-status'}, status),
                 h('span', {class: 'ex-diffs'},
                   (r.diffs_total || diffs.length) + (diffs.length === 1 ? ' diff' : ' diffs'))));
    }));
    const examplesEmpty = $('examples-empty');
    examplesEmpty.hidden = !!(examples && examples.length);
    examplesEmpty.textContent = examples === null ? 'loading…'
        : 'No stored examples' + (v.field ? ' with this field' : '') + ' yet.';
  }

  function renderExample() {
    const v = state.view;
    const card = $('example');
    const examples = state.examplesKey === viewKey(v) ? state.examples : null;
    if (v.example === null || v.endpoint === null) {
      card.hidden = true;
      state.record = null;
      state.recordKey = null;
      return;
    }
    // Pick the record once; keep showing it while newer examples push it down the list.
    const wanted = viewKey(v) + '#' + v.example;
    if (state.recordKey !== wanted && examples) {
      state.record = examples[v.example] || null;
      state.recordKey = wanted;
      card.hidden = false;
      if (!state.record) {
        replace(card, h('p', {class: 'empty'},
                        `Example ${v.example} is not (or no longer) stored; pick another.`));
      } else {
        replace(card, exampleView(state.record));
      }
      markSelectedExample();
    } else if (!examples) {
      card.hidden = false;
      if (!state.record) replace(card, h('p', {class: 'empty'}, 'loading example…'));
    }
    // Keep the hash's index pointing at the shown record when the list has moved.
    if (state.record && examples) {
      const id = recordId(state.record);
      const i = examples.findIndex((r) => recordId(r) === id);
      if (i >= 0 && i !== v.example) {
        state.view = {...v, example: i};
        state.recordKey = viewKey(v) + '#' + i;
        history.replaceState(null, '', hashFor(state.view));
        markSelectedExample();
      }
    }
  }
  function markSelectedExample() {
    const id = recordId(state.record);
    const examples = state.examples || [];
    for (const li of $('examples').children) {
      const r = examples[Number(li.getAttribute('data-index'))];
      li.classList.toggle('selected', id !== null && recordId(r) === id);
    }
  }

  function exampleView(r) {
    const diffs = Array.isArray(r.diffs) ? r.diffs : [];
    const counts = {};
    for (const d of diffs) counts[d.kind] = (counts[d.kind] || 0) + 1;
    const summary = KINDS.filter((k) => counts[k]).map((k) =>
        h('span', {class: 'legend'}, kindChip(k), ' ', String(counts[k])));
    const notes = [];
    if (r.diffs_total) {
      notes.push(h('p', {class: 'note'},
                   `Showing ${diffs.length} of ${r.diffs_total} differences.`));
    }
    if (r.problem) {
      notes.push(h('p', {class: 'note bad'}, 'Body not compared structurally: ',
                   h('code', null, String(r.problem.name)), ' (', String(r.problem.side), ') ',
                   String(r.problem.detail || '')));
    }
    if (r.error) notes.push(h('p', {class: 'note bad'}, 'Error: ', String(r.error)));

    // A side without a value: "absent" where the kind says so (missing in new, extra in
    // old), else the value was not recorded (e.g. a whole text body).
    const valueCell = (d, side) => {
      if (side in d) return h('code', {class: 'val'}, compact(d[side]));
      const absent = (side === 'new' && d.kind === 'missing') ||
          (side === 'old' && d.kind === 'extra');
      return h('span', {class: 'absent'}, absent ? 'absent' : '—');
    };
    const diffRows = diffs.map((d) => h('tr', {class: 'diff-row diff-' + d.kind,
                                               'data-path': String(d.path)},
        h('td', null, h('a', {href: '#', class: 'path', title: 'show in the bodies',
                              onclick: (ev) => { ev.preventDefault(); reveal(d.path); }},
                        h('code', null, String(d.path)))),
        h('td', null, kindChip(d.kind)),
        h('td', null, valueCell(d, 'old')),
        h('td', null, valueCell(d, 'new'))));
    if (!diffRows.length) {
      diffRows.push(h('tr', null, h('td', {colspan: 4, class: 'muted'},
                                        'none recorded for this outcome')));
    }

    return [
      h('div', {class: 'card-head example-head'},
        h('h2', null, 'Example ',
          h('code', null, String(r.method || ''), ' ', String(r.target || ''))),
        h('span', {class: 'outcome outcome-' + String(r.outcome)}, String(r.outcome)),
        h('span', {class: 'muted'}, fmtTime(r.time), ' (', fmtAge(r.time), ') · primary ',
          String(r.primary || 'old')),
        h('span', {class: 'spacer'}),
        summary.length ? summary : h('span', {class: 'muted'}, 'no differences recorded'),
        h('a', {class: 'close', href: hashFor({...state.view, example: null}),
                title: 'close'}, '×')),
      notes,
      bodiesView(r),
      h('div', {class: 'example-lower'},
        h('div', null, h('h3', null, 'Differences'),
          h('table', {class: 'grid diffs', id: 'diffs'},
            h('thead', null, h('tr', null, h('th', null, 'Path'), h('th', null, 'Kind'),
                               h('th', null, 'old'), h('th', null, 'new'))),
            h('tbody', null, diffRows))),
        h('div', null, h('h3', null, 'Status and headers'), responseHeadersView(r),
          requestView(r))),
    ];
  }

  // Scrolls the side-by-side view to the first line of `path` and flashes it.
  function reveal(path) {
    const target = path === 'body' ? '$' : path;
    const lines = Array.from(document.querySelectorAll('#sbs .line[data-path]'))
        .filter((el) => within(el.getAttribute('data-path'), target));
    if (!lines.length) {
      const headers = document.getElementById('response-headers');
      if (headers) headers.scrollIntoView({block: 'center', behavior: 'smooth'});
      return;
    }
    lines[0].scrollIntoView({block: 'center', behavior: 'smooth'});
    for (const el of lines) {
      el.classList.remove('flash');
      void el.offsetWidth;  // restart the animation
      el.classList.add('flash');
    }
  }

  // ---- wiring -------------------------------------------------------------------------------

  window.addEventListener('hashchange', () => {
    const before = state.view;
    state.view = readHash();
    const sameList = viewKey(before) === viewKey(state.view);
    if (!sameList) {
      state.examples = null;
      state.examplesKey = null;
      state.record = null;
    }
    if (before.example !== state.view.example || !sameList) state.recordKey = null;
    render();
    if (!sameList) refresh();
    if (state.view.example !== null && before.example !== state.view.example) {
      const card = $('example');
      if (!card.hidden) card.scrollIntoView({block: 'start'});
    }
  });
  $('live-toggle').addEventListener('click', () => {
    state.live = !state.live;
    renderStatus();
    if (state.live) refresh();
  });
  setInterval(() => {
    if (state.live && document.visibilityState !== 'hidden') refresh();
  }, REFRESH_MS);
  render();
  refresh();
})();
