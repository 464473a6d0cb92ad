// Offline OpenAPI 3.x reference page. Vanilla JS; API text only ever reaches the DOM as text nodes.
'use strict';
(() => {
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_DEPTH = 10;
const me = document.currentScript;
const SPEC_URL = me ? new URL('../openapi.json', me.src).href : '/api/openapi.json';
const $ = id => document.getElementById(id);
const main = $('main'), nav = $('nav'), filter = $('filter');
let spec = {}, ops = [];

// h(tag, "class" | {attrs}, ...children): strings become text nodes; null/false children are skipped.
const h = (tag, a, ...kids) => {
  const e = document.createElement(tag);
  if (typeof a === 'string') e.className = a;
  else for (const k in a || {}) if (a[k] != null && a[k] !== false) k in e ? (e[k] = a[k]) : e.setAttribute(k, a[k]);
  for (const k of kids.flat(Infinity)) if (k != null && k !== false) e.append(k);
  return e;
};
const show = v => (typeof v === 'string' ? v : JSON.stringify(v));
const anchor = id => '#' + encodeURIComponent(id);
const ln = (id, text, cls) => h('a', { className: cls, href: anchor(id) }, text);
const toggle = (btn, onChange) => {
  btn.addEventListener('click', () => {
    const exp = btn.getAttribute('aria-expanded') !== 'true';
    btn.setAttribute('aria-expanded', exp);
    onChange(exp);
  });
  return btn;
};

// Minimal Markdown: paragraphs, line breaks, "- " lists, ``` fences, `code`, **bold**, [text](https://…).
const inline = (e, s) => {
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;
  let last = 0, m;
  while ((m = re.exec(s))) {
    e.append(s.slice(last, m.index),
      m[1] ? h('code', 0, m[1]) : m[2] ? h('strong', 0, m[2]) : h('a', { href: m[4], rel: 'noopener noreferrer' }, m[3]));
    last = re.lastIndex;
  }
  e.append(s.slice(last));
  return e;
};
const blocks = (box, s) => {
  for (const blk of s.split(/\n[ \t]*\n/)) {
    const lines = blk.split('\n').filter(l => l.trim());
    const bullet = /^\s*[-*+] /;
    if (!lines.length) continue;
    if (lines.every(l => bullet.test(l))) box.append(h('ul', 0, lines.map(l => inline(h('li'), l.replace(bullet, '')))));
    else box.append(h('p', 0, lines.map((l, i) => inline(h('span', 0, i ? h('br') : null), l.trim()))));
  }
};
const md = text => {
  if (text == null || text === '') return null;
  const box = h('div', 'md'), src = String(text).replace(/\r\n?/g, '\n');
  const fence = /^```[^\n]*\n([\s\S]*?)\n?```[ \t]*$/gm;
  let last = 0, m;
  while ((m = fence.exec(src))) {
    blocks(box, src.slice(last, m.index));
    box.append(h('pre', 0, h('code', 0, m[1])));
    last = fence.lastIndex;
  }
  blocks(box, src.slice(last));
  return box;
};

// ---------- references ----------
const unesc = p => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~');
const lookup = ref => {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let o = spec;
  for (const p of ref.slice(2).split('/')) o = o == null ? o : o[unesc(p)];
  return o;
};
const refName = ref => unesc(String(ref).split('/').pop());
const resolve = o => {
  for (let i = 0; o && o.$ref && i < 20; i++) o = lookup(o.$ref);
  return o && typeof o === 'object' ? o : {};
};
const refLink = ref => ref.startsWith('#/components/schemas/')
  ? ln('schema-' + refName(ref), refName(ref), 'ref') : h('span', 'ref', refName(ref));

// ---------- schemas ----------
const isNull = x => x && (x.type === 'null' || (Array.isArray(x.type) && x.type.length === 1 && x.type[0] === 'null'));
const typesOf = s => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
// Strip wrappers that only add nullability: oneOf/anyOf [null, X] and allOf [X].
const unwrap = s => {
  let nullable = false;
  for (let i = 0; i < 10 && s && typeof s === 'object' && !s.properties; i++) {
    const alt = s.oneOf || s.anyOf;
    if (alt && alt.length === 2 && alt.some(isNull)) { nullable = true; s = alt.find(x => !isNull(x)); }
    else if (s.allOf && s.allOf.length === 1 && !alt) s = s.allOf[0];
    else break;
  }
  return { s, nullable };
};
// unwrap + follow $refs; names = component names passed through (for cycle detection).
const deref = s0 => {
  let { s, nullable } = unwrap(s0);
  const names = [];
  for (let i = 0; i < 10 && s && s.$ref; i++) {
    names.push(refName(s.$ref));
    const u = unwrap(lookup(s.$ref));
    s = u.s;
    nullable = nullable || u.nullable;
  }
  return { s: s && typeof s === 'object' ? s : {}, nullable, names };
};

// Type label as DOM: "string(uuid) | null", "array<User>", "map<string>", "A | B" …
const typeParts = (s0, d) => {
  const { s, nullable } = unwrap(s0);
  if (!s || typeof s !== 'object') return [s === false ? 'never' : 'any'];
  const alts = [];
  if (s.$ref) alts.push([refLink(s.$ref)]);
  else if (d > 3) alts.push(['…']);
  for (const t of s.$ref || d > 3 ? [] : typesOf(s)) {
    const ap = s.additionalProperties;
    if (t === 'array') alts.push(['array<', typeParts(s.items, d + 1), '>']);
    else if (t === 'object' && !s.properties && ap && typeof ap === 'object') alts.push(['map<', typeParts(ap, d + 1), '>']);
    else alts.push([t + (s.format && t !== 'null' ? `(${s.format})` : '')]);
  }
  if (!alts.length) {
    const v = s.oneOf || s.anyOf;
    if (v && v.length <= 4 && v.every(x => x.$ref || (x.type && !x.properties))) v.forEach(x => alts.push(typeParts(x, d + 1)));
    else if (v) alts.push([s.oneOf ? 'oneOf' : 'anyOf']);
    else if (s.allOf || s.properties || s.additionalProperties) alts.push(['object']);
    else if ('const' in s) alts.push([JSON.stringify(s.const)]);
    else if (s.enum) alts.push([s.enum.length ? typeof s.enum[0] : 'enum']);
    else alts.push(['any']);
  }
  if ((nullable || s.nullable === true) && !typesOf(s).includes('null')) alts.push(['null']);
  return alts.flatMap((a, i) => (i ? [' | ', ...a] : a));
};
const typeEl = s => h('span', 'ty', typeParts(s, 0));

// Children of a schema node: { entries, chain } | { cycle } | null. chain = component names of the ancestors.
const kidsOf = (s0, chain, hops = 0) => {
  const { s, names } = deref(s0);
  const seen = ns => ns.find(n => chain.includes(n));
  if (seen(names)) return { cycle: seen(names) };
  chain = chain.concat(names);
  if (typesOf(s).includes('array') && s.items && hops < 5) return kidsOf(s.items, chain, hops + 1);
  const parts = [];
  for (const p of s.allOf || []) {
    const r = deref(p);
    if (seen(r.names)) return { cycle: seen(r.names) };
    chain = chain.concat(r.names);
    parts.push(r.s);
  }
  parts.push(s);
  const req = new Set(parts.flatMap(p => (Array.isArray(p.required) ? p.required : [])));
  const entries = [];
  for (const p of parts) {
    for (const [name, schema] of Object.entries(p.properties || {})) entries.push({ name, schema, req: req.has(name) });
    const ap = p.additionalProperties;
    if (ap && typeof ap === 'object' && (p.properties || kidsOf(ap, chain, hops + 1))) entries.push({ name: '[key: string]', schema: ap, kind: 'map' });
  }
  (s.oneOf || s.anyOf || []).forEach((v, i) => isNull(v) || entries.push({
    name: v.$ref ? refName(v.$ref) : v.title || `Option ${i + 1}`, schema: v, kind: 'variant', label: s.oneOf ? 'one of' : 'any of',
  }));
  return entries.length ? { entries, chain } : null;
};

// Enum values, default, limits, example and flags of a schema.
const metaOf = s0 => {
  const { s } = deref(s0);
  const items = [];
  const kv = (k, ...v) => items.push(h('span', 'kv', h('span', 'k', k + ': '), v));
  let en = s.enum;
  if (!en && typesOf(s).includes('array') && s.items) en = deref(s.items).s.enum;
  if (Array.isArray(en) && en.length) kv('Allowed', en.map((v, i) => [i ? ' ' : '', h('code', 'enum', show(v))]));
  if ('const' in s) kv('Value', h('code', 0, show(s.const)));
  if (s.default !== undefined) kv('Default', h('code', 0, show(s.default)));
  for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern']) {
    if (s[k] !== undefined && typeof s[k] !== 'boolean') kv(k, h('code', 0, show(s[k])));
  }
  const ex = [s0 && s0.example, s.example, Array.isArray(s.examples) ? s.examples[0] : undefined].find(x => x !== undefined);
  if (ex !== undefined && (ex === null || typeof ex !== 'object')) kv('Example', h('code', 0, show(ex)));
  for (const f of ['readOnly', 'writeOnly', 'deprecated', 'uniqueItems']) if (s[f] === true || (s0 && s0[f] === true)) items.push(h('span', 'flag', f));
  return items.length ? h('div', 'meta', items) : null;
};

const row = (e, chain, depth) => {
  const k = kidsOf(e.schema, chain);
  const open = k && k.entries && depth < MAX_DEPTH;
  const name = open
    ? h('button', { type: 'button', className: 'nm tg', 'aria-expanded': 'false' }, h('span', 'car'), e.name)
    : h('span', 'nm', h('span', 'car'), e.name);
  const d = e.schema && e.schema.description != null ? e.schema.description : deref(e.schema).s.description;
  const li = h('li', 'node ' + (e.kind || ''),
    h('div', 'line', name, typeEl(e.schema), e.label && h('span', 'vlabel', e.label), e.req && h('span', 'req', 'required'),
      k && k.cycle && h('span', 'note', '↻ recursive'), k && k.entries && !open && h('span', 'note', '… nested too deep')),
    md(d), metaOf(e.schema));
  let ul;
  if (open) toggle(name, exp => { (ul = ul || li.appendChild(tree(k.entries, k.chain, depth + 1))).hidden = !exp; });
  return li;
};
const tree = (entries, chain, depth) => h('ul', 'tree', entries.map(e => row(e, chain, depth)));
// A root schema: its type line, then the first level of properties (deeper levels expand on demand).
const schemaBlock = (s, chain = [], withDesc = false) => {
  const k = kidsOf(s, chain);
  return h('div', 'schema', h('div', 'line root', typeEl(s), k && k.cycle && h('span', 'note', '↻ recursive')),
    withDesc && md(s && s.description), metaOf(s), k && k.entries && tree(k.entries, k.chain, 1));
};
const example = m => {
  let ex = m.example;
  if (ex === undefined && m.examples && typeof m.examples === 'object') ex = resolve(Object.values(m.examples)[0]).value;
  if (ex === undefined) ex = deref(m.schema).s.example;
  return ex === undefined ? null
    : h('details', 'example', h('summary', 0, 'Example'), h('pre', 0, h('code', 0, typeof ex === 'string' ? ex : JSON.stringify(ex, null, 2))));
};
const contentBlocks = content => Object.entries(content || {}).map(([type, m]) =>
  h('div', 'media', h('span', 'ctype', type), m && m.schema && schemaBlock(m.schema), m && example(m)));

// ---------- operations ----------
const pathEl = p => h('code', 'path', String(p).split(/(\{[^}]+\})/).map((x, i) => (i % 2 ? h('span', 'pp', x) : x)));
const badge = (m, cls = 'm') => h('span', `${cls} m-${m}`, m.toUpperCase());

const securityEl = sec => {
  if (!Array.isArray(sec) || !sec.length) return null;
  const schemes = (spec.components || {}).securitySchemes || {};
  return h('p', 'sec', h('span', 'k', 'Security: '), sec.map((req, i) => {
    const names = Object.keys(req || {});
    return [i ? h('span', 'or', ' or ') : null, names.length ? null : h('span', 'muted', 'none'), names.map((n, j) => {
      const d = resolve(schemes[n]);
      const title = [d.type, d.scheme, d.in && `${d.name} in ${d.in}`, (req[n] || []).join(', ')].filter(Boolean).join(' · ');
      return [j ? ' + ' : '', h('code', { className: 'scheme', title: title || null }, n)];
    })];
  }));
};

const paramsEl = params => params.length ? h('div', 'scroll', h('table', 'params',
  h('thead', 0, h('tr', 0, ['Name', 'In', 'Required', 'Type', 'Description'].map(t => h('th', { scope: 'col' }, t)))),
  h('tbody', 0, params.map(p => {
    const schema = p.schema || (p.content && (Object.values(p.content)[0] || {}).schema);
    return h('tr', p.deprecated ? 'dep' : '',
      h('td', 0, h('code', 'pname', p.name)), h('td', 'in', p.in),
      h('td', 0, p.required ? h('span', 'req', 'required') : h('span', 'muted', 'optional')),
      h('td', 0, schema && typeEl(schema)),
      h('td', 0, md(p.description), schema && metaOf(schema), p.deprecated && h('span', 'flag', 'deprecated')));
  })))) : null;

const responsesEl = responses => h('div', 'responses', Object.entries(responses || {}).map(([code, r0]) => {
  const r = resolve(r0);
  const hasBody = r.content && Object.keys(r.content).length;
  return h('div', 'resp',
    h('div', 'rhead', h('span', `status s${/^[1-5]/.test(code) ? code[0] : 'd'}`, code), md(r.description) || h('span', 'muted', 'No description')),
    Object.entries(r.headers || {}).map(([n, h0]) => {
      const x = resolve(h0);
      return h('div', 'hdr', h('span', 'k', 'Header '), h('code', 0, n), ' ', x.schema && typeEl(x.schema), x.description && ' — ' + x.description);
    }),
    hasBody ? contentBlocks(r.content) : h('p', 'muted nobody', 'No response body'));
}));

const opCard = o => {
  const { op, method, path } = o;
  const rb = op.requestBody && resolve(op.requestBody);
  const params = paramsEl(o.params);
  return h('article', { className: 'op' + (op.deprecated ? ' deprecated' : ''), id: o.id },
    h('h3', 0, ln(o.id, op.summary || `${method.toUpperCase()} ${path}`, 'self')),
    h('div', 'endpoint', badge(method), pathEl(path), op.deprecated && h('span', 'flag', 'deprecated'), op.operationId && h('code', 'opid', op.operationId)),
    md(op.description), securityEl(op.security || spec.security),
    params && [h('h4', 0, 'Parameters'), params],
    rb && [h('h4', 0, 'Request body ', h('span', rb.required ? 'req' : 'muted', rb.required ? 'required' : 'optional')), md(rb.description), contentBlocks(rb.content)],
    op.responses && [h('h4', 0, 'Responses'), responsesEl(op.responses)]);
};

// ---------- page ----------
const collectOps = () => {
  const list = [], ids = new Set();
  for (const [path, item0] of Object.entries(spec.paths || {})) {
    const item = resolve(item0);
    for (const method of METHODS) {
      const op = item[method];
      if (!op || typeof op !== 'object') continue;
      const params = new Map(); // operation-level parameters override path-level ones (same name + in)
      for (const p of [...(item.parameters || []), ...(op.parameters || [])].map(resolve)) params.set(p.in + ':' + p.name, p);
      const base = op.operationId || `${method}-${path}`.replace(/[^\w-]+/g, '-').replace(/-+$/, '');
      let id = base;
      for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
      ids.add(id);
      const tags = Array.isArray(op.tags) && op.tags.length ? op.tags : ['default'];
      const hay = [method, path, op.summary, op.operationId, ...tags].filter(Boolean).join(' ').toLowerCase();
      list.push({ op, method, path, id, tags, params: [...params.values()], hay, links: [] });
    }
  }
  return list;
};

const applyFilter = () => {
  const terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const o of ops) {
    const ok = terms.every(t => o.hay.includes(t));
    for (const x of [o.card, ...o.links]) x.hidden = !ok;
    shown += ok;
  }
  for (const g of main.querySelectorAll('section.tag')) g.hidden = !g.querySelector(':scope > :is(.op, .also):not([hidden])');
  for (const g of nav.querySelectorAll('.nav-group.ops')) g.hidden = !g.querySelector('li:not([hidden])');
  $('count').textContent = terms.length ? `${shown} of ${ops.length}` : `${ops.length} operations`;
  $('no-match').hidden = shown > 0;
};

const navGroup = (label, id, open, items, cls) => {
  const ul = h('ul', { id, hidden: !open }, items);
  return h('div', cls, toggle(h('button', { type: 'button', className: 'nav-tag', 'aria-expanded': String(open), 'aria-controls': id }, label), x => { ul.hidden = !x; }), ul);
};

const render = doc => {
  spec = doc;
  const info = doc.info || {};
  const title = info.title || 'API';
  document.title = `${title} API reference`;
  $('api-title').textContent = title;
  if (info.version) Object.assign($('api-version'), { textContent: 'v' + String(info.version).replace(/^v/, ''), hidden: false });
  ops = collectOps();

  // Declared tags first (document order), then others in order of appearance; untagged → "default".
  const tagInfo = new Map((doc.tags || []).filter(t => t && t.name).map(t => [t.name, t]));
  const groups = new Map([...tagInfo.keys()].map(n => [n, []]));
  for (const o of ops) for (const t of o.tags) (groups.get(t) || groups.set(t, []).get(t)).push(o);

  const content = [h('section', 'intro', h('h1', 0, title),
    h('p', 'muted', info.version ? `Version ${info.version} · ` : '', `OpenAPI ${doc.openapi}`), md(info.description)),
  h('p', { className: 'state', id: 'no-match', hidden: true }, 'No operations match the filter.')];
  const navItems = [];
  [...groups].filter(([, list]) => list.length).forEach(([name, list], gi) => {
    const sec = h('section', { className: 'tag', id: 'tag-' + name.replace(/\s+/g, '-') }, h('h2', 0, name), md((tagInfo.get(name) || {}).description));
    const lis = list.map(o => {
      if (name === o.tags[0] && !o.card) sec.append((o.card = opCard(o)));
      else { // an operation with several tags is rendered once, under its first tag
        o.links.push(sec.appendChild(h('p', 'also', badge(o.method, 'mm'), ln(o.id, o.op.summary || o.path), h('span', 'muted', `(under ${o.tags[0]})`))));
      }
      const li = h('li', 0, h('a', { href: anchor(o.id), title: `${o.method.toUpperCase()} ${o.path}`, className: o.op.deprecated ? 'deprecated' : null },
        badge(o.method, 'mm'), h('span', 'lbl', o.op.summary || o.path)));
      o.links.push(li);
      return li;
    });
    content.push(sec);
    navItems.push(navGroup(name, 'nav-g' + gi, true, lis, 'nav-group ops'));
  });

  const schemas = (doc.components || {}).schemas || {};
  const names = Object.keys(schemas);
  if (names.length) {
    content.push(h('section', { className: 'schemas', id: 'schemas' }, h('h2', 0, 'Schemas'), names.map(n =>
      h('section', { className: 'sch', id: 'schema-' + n }, h('h3', 0, ln('schema-' + n, n, 'self')), schemaBlock(schemas[n], [n], true)))));
    navItems.push(navGroup(`Schemas (${names.length})`, 'nav-schemas', false,
      names.map(n => h('li', 0, ln('schema-' + n, n, 'sname'))), 'nav-group'));
  }

  main.replaceChildren(...content);
  nav.replaceChildren(...navItems);
  filter.disabled = false;
  applyFilter();
  if (location.hash.length > 1) { // content arrived after the initial fragment navigation: redo it
    location.replace(location.hash);
    const t = $(decodeURIComponent(location.hash.slice(1)));
    if (t) t.scrollIntoView();
  }
};

const fail = (title, detail) => {
  main.replaceChildren(h('div', { className: 'error', role: 'alert' }, h('h1', 0, title), h('p', 0, detail),
    h('button', { type: 'button', className: 'retry', onclick: load }, 'Retry')));
  document.title = 'API reference — error';
};

async function load() {
  main.replaceChildren(h('p', { className: 'state', role: 'status' }, 'Loading API description…'));
  let res, doc;
  try {
    res = await fetch(SPEC_URL, { headers: { Accept: 'application/json' }, cache: 'no-cache' });
  } catch (e) {
    return fail('Could not load the API description', `Network error fetching ${SPEC_URL}: ${e.message}`);
  }
  if (!res.ok) return fail('Could not load the API description', `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''} from ${SPEC_URL}`);
  try {
    doc = JSON.parse(await res.text());
  } catch {
    return fail('Not an OpenAPI document', `HTTP ${res.status} from ${SPEC_URL}, but the body is not valid JSON.`);
  }
  if (!doc || typeof doc.openapi !== 'string' || !/^3\./.test(doc.openapi) || !doc.paths || typeof doc.paths !== 'object') {
    return fail('Not an OpenAPI document', `HTTP ${res.status} from ${SPEC_URL}, but it is not an OpenAPI 3 document.`);
  }
  try {
    render(doc);
  } catch (e) {
    fail('Could not display the API description', String((e && e.message) || e));
  }
}

// ---------- wiring ----------
$('raw').href = SPEC_URL;
filter.addEventListener('input', applyFilter);
filter.addEventListener('keydown', e => {
  if (e.key === 'Escape' && filter.value) { filter.value = ''; applyFilter(); }
});
document.addEventListener('keydown', e => {
  if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.target.closest('input, textarea, select, [contenteditable]')) {
    e.preventDefault();
    filter.focus();
  }
});
const navToggle = toggle($('nav-toggle'), exp => document.body.classList.toggle('nav-open', exp));
nav.addEventListener('click', e => {
  if (e.target.closest('a') && document.body.classList.contains('nav-open')) navToggle.click();
});
load();
})();
