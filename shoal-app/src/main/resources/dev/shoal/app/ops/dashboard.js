// Shoal's coordinator dashboard: a snapshot and then server-sent events from /api/events keep the
// page current; everything shown is set as text (never parsed as HTML), and inclusion proofs are
// checked here, in the page, against the signed checkpoint.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const REJECTIONS = 50;
  const view = {
    status: null,
    offset: 0, // server clock minus this clock, in ms
    rounds: new Map(),
    rejections: [],
    ledger: null,
    selected: null,
  };

  // ---- building elements: text only ----

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    byId(id).textContent = text;
  }

  function now() {
    return Date.now() + view.offset;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour12: false });
  }

  function ago(ms) {
    const s = Math.max(0, Math.round((now() - ms) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    return Math.floor(s / 3600) + ' h ago';
  }

  function fixed(x, digits) {
    return x === null || x === undefined ? '–' : Number(x).toFixed(digits);
  }

  // ---- status, nodes, progress ----

  function applyStatus(s) {
    view.status = s;
    view.offset = s.server_time - Date.now();
    setText('run-name', s.run);
    byId('insecure-banner').hidden = s.plaintext !== true;
    const badge = byId('run-state');
    badge.textContent = s.state;
    badge.className = 'badge ' + s.state;
    setText('current-round', s.current_round || '–');
    setText('total-rounds', s.total_rounds);
    setText('completed-rounds', s.completed_rounds + ' completed');
    setText('sampled', s.sampled ? s.sampled + ' clients sampled' : '');
    setText('strategy', s.strategy ? 'strategy ' + s.strategy : '');
    byId('progress-bar').style.width = (s.total_rounds ? 100 * s.completed_rounds / s.total_rounds : 0) + '%';
    const stop = byId('stop-reason');
    stop.hidden = !s.stop_reason;
    stop.textContent = s.stop_reason ? 'stopped: ' + s.stop_reason : '';
    renderNodes();
    tick();
  }

  function tick() {
    const s = view.status;
    if (!s) return;
    setText('round-time', s.round_started_at === null || s.round_started_at === undefined
      ? '' : 'round ' + s.current_round + ' running for ' + ((now() - s.round_started_at) / 1000).toFixed(1) + ' s');
    for (const td of document.querySelectorAll('#nodes td.last-seen')) {
      td.textContent = ago(Number(td.dataset.ms));
    }
  }

  function renderNodes() {
    const nodes = [...view.status.nodes].sort((a, b) => a.name.localeCompare(b.name));
    const online = nodes.filter((n) => n.online).length;
    setText('node-count', online + ' online, ' + (nodes.length - online) + ' offline');
    const body = byId('nodes').tBodies[0];
    body.replaceChildren(...nodes.map((n) => {
      const seen = el('td', { class: 'last-seen', title: new Date(n.last_seen).toISOString() }, ago(n.last_seen));
      seen.dataset.ms = n.last_seen;
      return el('tr', {},
        el('td', { class: 'name', title: n.name }, n.name),
        el('td', { class: n.online ? 'online' : 'offline' }, n.online ? 'online' : 'offline'),
        seen,
        el('td', { class: 'num contributed' }, n.rounds_contributed));
    }));
  }

  // ---- rejections ----

  function addRejection(r) {
    if (view.rejections.some((x) => x.seq === r.seq)) return;
    view.rejections.push(r);
    view.rejections.sort((a, b) => a.seq - b.seq);
    view.rejections = view.rejections.slice(-REJECTIONS);
  }

  function renderRejections() {
    setText('rejection-count', view.rejections.length ? 'last ' + view.rejections.length : 'none');
    const body = byId('rejections').tBodies[0];
    body.replaceChildren(...[...view.rejections].reverse().map((r) => el('tr', {},
      el('td', { title: new Date(r.at).toISOString() }, clock(r.at)),
      el('td', { class: 'name', title: r.node }, r.node),
      el('td', { class: 'num' }, r.round),
      el('td', { class: 'what' }, r.kind === 'ENGINE' ? 'dropped by the round' : r.kind + ' ' + r.outcome),
      el('td', { class: 'reason' }, r.reason))));
  }

  // ---- curves ----

  function niceTicks(lo, hi, count) {
    const span = hi - lo || 1;
    const raw = span / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const ticks = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toFixed(10));
    return ticks;
  }

  function drawChart(target, series, yLabel, yFloorZero) {
    const W = 480, H = 260, L = 56, R = 12, T = 14, B = 42;
    target.replaceChildren();
    const all = series.flatMap((s) => s.points);
    target.dataset.points = String(Math.max(0, ...series.map((s) => s.points.length)));
    if (all.length === 0) {
      target.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, 'no finished round yet'));
      return;
    }
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    const x0 = Math.min(...xs), x1 = Math.max(Math.max(...xs), x0 + 1);
    let y0 = yFloorZero ? 0 : Math.min(...ys), y1 = Math.max(...ys);
    const pad = (y1 - y0) * 0.08 || 0.05;
    y0 = yFloorZero ? 0 : y0 - pad;
    y1 = y1 + pad;
    const sx = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
    const sy = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
    for (const t of niceTicks(y0, y1, 5)) {
      if (t < y0 || t > y1) continue;
      target.append(svg('line', { x1: L, x2: W - R, y1: sy(t), y2: sy(t), class: 'grid' }));
      target.append(svg('text', { x: L - 6, y: sy(t) + 4, 'text-anchor': 'end' }, +t.toFixed(4)));
    }
    for (const t of niceTicks(x0, x1, 6).filter((t) => Number.isInteger(t))) {
      if (t < x0 || t > x1) continue;
      target.append(svg('line', { x1: sx(t), x2: sx(t), y1: H - B, y2: H - B + 4, class: 'axis' }));
      target.append(svg('text', { x: sx(t), y: H - B + 16, 'text-anchor': 'middle' }, t));
    }
    target.append(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }));
    target.append(svg('line', { x1: L, x2: L, y1: T, y2: H - B, class: 'axis' }));
    target.append(svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', class: 'label' }, 'round'));
    target.append(svg('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', class: 'label',
      transform: 'rotate(-90 14 ' + (T + H - B) / 2 + ')' }, yLabel));
    series.forEach((s, i) => {
      if (s.points.length === 0) return;
      target.append(svg('polyline', { class: 'line series-' + i,
        points: s.points.map((p) => sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1)).join(' ') }));
      if (s.points.length <= 120) {
        for (const p of s.points) {
          const c = svg('circle', { cx: sx(p[0]), cy: sy(p[1]), r: 2.5, class: 'point series-' + i });
          c.append(svg('title', {}, s.name + ' round ' + p[0] + ': ' + p[1].toFixed(4)));
          target.append(c);
        }
      }
      if (series.length > 1) {
        const lx = W - R - 150 + i * 75;
        target.append(svg('rect', { x: lx, y: T, width: 10, height: 10, class: 'series-' + i }));
        target.append(svg('text', { x: lx + 14, y: T + 9 }, s.name));
      }
    });
  }

  function renderCharts() {
    const rounds = [...view.rounds.values()].sort((a, b) => a.round - b.round);
    const pick = (key) => rounds.filter((r) => r[key] !== null && r[key] !== undefined).map((r) => [r.round, r[key]]);
    drawChart(byId('accuracy-chart'), [{ name: 'test accuracy', points: pick('test_accuracy') }], 'test accuracy', false);
    drawChart(byId('loss-chart'), [
      { name: 'train loss', points: pick('train_loss') },
      { name: 'test loss', points: pick('test_loss') },
    ], 'loss', true);
  }

  // ---- ledger ----

  let ledgerTimer = null;

  function scheduleLedger() {
    clearTimeout(ledgerTimer);
    ledgerTimer = setTimeout(loadLedger, 300);
  }

  async function getJson(url) {
    const res = await fetch(url, { cache: 'no-store' });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.status + ' ' + res.statusText);
    return body;
  }

  async function loadLedger() {
    try {
      view.ledger = await getJson('api/ledger');
    } catch (e) {
      setText('ledger-summary', runOver() && view.ledger && view.ledger.available
        ? view.ledger.size + ' entries, as last read' : 'cannot read the ledger: ' + e.message);
      return;
    }
    renderLedger();
  }

  function renderLedger() {
    const l = view.ledger;
    const cp = byId('checkpoint');
    if (!l.available) {
      setText('ledger-summary', l.reason);
      cp.replaceChildren();
      return;
    }
    setText('ledger-summary', l.size + ' entries');
    if (l.checkpoint) {
      cp.replaceChildren(
        el('div', {}, 'Latest signed checkpoint: ', el('strong', {}, l.checkpoint.size + ' entries'),
          ', origin ', el('span', { class: 'mono' }, l.origin)),
        el('div', {}, 'root ', el('span', { class: 'mono', id: 'checkpoint-root' }, l.checkpoint.root)),
        el('div', { class: 'check ' + (l.checkpoint.signature_verified ? 'ok' : 'bad') },
          'signed by the log key (checked by the coordinator)'),
        el('div', { class: 'check ' + (l.checkpoint.cosigned_by.length ? 'ok' : 'na'), id: 'cosigners' },
          l.checkpoint.cosigned_by.length
            ? 'cosigned by ' + l.checkpoint.cosigned_by.map((c) => c.name).join(', ') + ' (checked by the coordinator)'
            : 'not cosigned by any node'),
        el('div', { class: 'muted' }, 'log key ', el('span', { class: 'mono' }, l.log_key)));
    } else {
      cp.replaceChildren(el('div', { class: 'muted' }, 'no signed checkpoint yet'));
    }
    const body = byId('ledger-entries').tBodies[0];
    body.replaceChildren(...[...l.entries].reverse().map((e) => {
      const row = el('tr', { class: (e.signed ? '' : 'unsigned ') + (e.index === view.selected ? 'selected' : '') },
        el('td', { class: 'num' }, e.index),
        el('td', {}, e.type),
        el('td', { class: 'num' }, e.round === null ? '' : e.round),
        el('td', { class: 'mono', title: e.model_id || '' }, e.model_id ? e.model_id.slice(0, 19) + '…' : ''));
      row.dataset.index = e.index;
      row.addEventListener('click', () => selectEntry(e.index));
      return row;
    }));
  }

  async function selectEntry(index) {
    view.selected = index;
    for (const row of byId('ledger-entries').tBodies[0].rows) {
      row.classList.toggle('selected', Number(row.dataset.index) === index);
    }
    const panel = byId('proof');
    panel.replaceChildren(el('p', { class: 'muted' }, 'checking entry ' + index + '…'));
    let p;
    try {
      p = await getJson('api/ledger/proof?index=' + encodeURIComponent(index));
    } catch (e) {
      panel.replaceChildren(el('p', { class: 'check bad' }, 'entry ' + index + ': ' + e.message));
      return;
    }
    const checks = await verifyProof(p);
    if (view.selected !== index) return;
    panel.replaceChildren(
      el('div', {}, el('strong', {}, 'Entry ' + p.index), ' in the checkpoint of ' + p.tree_size + ' entries'),
      el('pre', { class: 'mono' }, p.entry),
      el('div', {}, 'leaf hash ', el('span', { class: 'mono' }, p.leaf_hash)),
      el('div', {}, 'inclusion proof (' + p.inclusion_proof.length + ' hashes, deepest first)'),
      el('pre', { class: 'mono' }, p.inclusion_proof.join('\n') || '(empty: the tree has one entry)'),
      ...checks.map((c) => el('div', { class: 'check ' + c.result }, c.text)));
    panel.dataset.verified = String(checks.every((c) => c.result !== 'bad'));
  }

  // ---- verification in the page (RFC 9162 inclusion, C2SP signed note) ----

  const utf8 = (s) => new TextEncoder().encode(s);
  const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));
  const unbase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  async function sha256(bytes) {
    if (window.crypto && crypto.subtle) return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return sha256Plain(bytes);
  }

  /** RFC 9162 section 2.1.3.2. */
  async function verifyInclusion(leaf, index, size, proof, root) {
    if (index >= size) return false;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat([1], p, r));
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await sha256(concat([1], r, p));
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  async function verifyProof(p) {
    const checks = [];
    const add = (result, text) => checks.push({ result, text });
    const leaf = await sha256(concat([0], utf8(p.entry)));
    add(hex(leaf) === p.leaf_hash ? 'ok' : 'bad', 'leaf hash recomputed in this page from the entry');
    const blank = p.checkpoint.indexOf('\n\n');
    const text = p.checkpoint.slice(0, blank + 1);
    const lines = text.split('\n');
    let root;
    try {
      root = unbase64(lines[2]);
    } catch (e) {
      add('bad', 'the checkpoint has no readable root');
      return checks;
    }
    add(Number(lines[1]) === p.tree_size && hex(root) === p.root ? 'ok' : 'bad',
      'the checkpoint note names this tree size and root');
    const included = await verifyInclusion(leaf, p.index, p.tree_size, p.inclusion_proof.map(unhex), root);
    add(included ? 'ok' : 'bad', included
      ? 'inclusion proof verified in this page: the entry is in the signed tree'
      : 'inclusion proof does NOT verify against the checkpoint root');
    add(await verifySignature(p.checkpoint, text, p.log_key), signatureText);
    add(p.inclusion_verified && p.signature_verified ? 'ok' : 'bad', 'the coordinator verified the same');
    return checks;
  }

  let signatureText = '';

  /** The log's Ed25519 signature on the note text, with the key hash of C2SP signed-note. */
  async function verifySignature(note, text, logKey) {
    // name+hash+base64: the base64 may itself contain '+'
    const first = logKey.indexOf('+');
    const second = logKey.indexOf('+', first + 1);
    const name = logKey.slice(0, first), keyHash = logKey.slice(first + 1, second), keyData = logKey.slice(second + 1);
    const key = unbase64(keyData);
    const line = note.slice(text.length + 1).split('\n').find((l) => l.startsWith('\u2014 ' + name + ' '));
    if (!line || key[0] !== 1) {
      signatureText = 'the checkpoint is not signed by the log key';
      return 'bad';
    }
    const sig = unbase64(line.slice(('\u2014 ' + name + ' ').length));
    const expected = (await sha256(concat(utf8(name), [0x0a, 0x01], key.slice(1)))).slice(0, 4);
    if (hex(expected) !== keyHash || !equal(sig.slice(0, 4), expected)) {
      signatureText = 'the signature\'s key hash does not match the log key';
      return 'bad';
    }
    try {
      const k = await crypto.subtle.importKey('raw', key.slice(1), { name: 'Ed25519' }, false, ['verify']);
      const ok = await crypto.subtle.verify({ name: 'Ed25519' }, k, sig.slice(4), utf8(text));
      signatureText = ok ? 'checkpoint signature verified in this page with the log key'
        : 'the checkpoint signature does NOT verify with the log key';
      return ok ? 'ok' : 'bad';
    } catch (e) {
      signatureText = 'this browser cannot check Ed25519 signatures here; the coordinator checked it';
      return 'na';
    }
  }

  /** SHA-256 for pages served where the browser offers no WebCrypto (plain HTTP, not loopback). */
  function sha256Plain(data) {
    const K = new Uint32Array([
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const len = data.length;
    const padded = new Uint8Array(Math.ceil((len + 9) / 64) * 64);
    padded.set(data);
    padded[len] = 0x80;
    const bits = new DataView(padded.buffer);
    bits.setUint32(padded.length - 8, Math.floor(len / 0x20000000));
    bits.setUint32(padded.length - 4, (len * 8) >>> 0);
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let off = 0; off < padded.length; off += 64) {
      for (let i = 0; i < 16; i++) w[i] = bits.getUint32(off + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      [a, b, c, d, e, f, g, hh].forEach((x, i) => { h[i] = (h[i] + x) >>> 0; });
    }
    const out = new Uint8Array(32);
    const dv = new DataView(out.buffer);
    h.forEach((x, i) => dv.setUint32(i * 4, x));
    return out;
  }

  // ---- the live stream ----

  function runOver() {
    return view.status !== null && ['finished', 'completed', 'stopped'].includes(view.status.state);
  }

  function connect() {
    const conn = byId('connection');
    const events = new EventSource('api/events');
    events.onopen = () => { conn.textContent = 'live'; conn.className = 'connection live'; };
    events.onerror = () => {
      conn.textContent = runOver() ? 'run over; coordinator gone' : 'reconnecting…';
      conn.className = 'connection lost';
    };
    events.addEventListener('snapshot', (e) => {
      const s = JSON.parse(e.data);
      view.rounds = new Map(s.rounds.map((r) => [r.round, r]));
      view.rejections = [];
      s.rejections.forEach(addRejection);
      applyStatus(s);
      renderCharts();
      renderRejections();
      scheduleLedger();
    });
    events.addEventListener('status', (e) => applyStatus(JSON.parse(e.data)));
    events.addEventListener('round', (e) => {
      const r = JSON.parse(e.data);
      view.rounds.set(r.round, r);
      renderCharts();
    });
    events.addEventListener('rejection', (e) => {
      addRejection(JSON.parse(e.data));
      renderRejections();
    });
    events.addEventListener('ledger', scheduleLedger);
  }

  document.addEventListener('DOMContentLoaded', () => {
    renderCharts();
    connect();
    setInterval(tick, 250);
  });
})();
