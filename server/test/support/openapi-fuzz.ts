// Bad requests derived from a served OpenAPI document: for every operation, a base request (sampled from
// its schemas, or given) and mutations of each path parameter, query parameter and body field — wrong
// types, missing and extra fields, NUL, lone surrogates, deep nesting, huge numbers and dates, oversize
// strings — plus random ones drawn by fast-check with a fixed seed. Pure: nothing here sends a request.
import fc from 'fast-check';

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** OpenAPI path template: `/api/targets/{id}`. */
  path: string;
  params: Parameter[];
  body?: Schema;
}

/** A request before it is sent: raw (already percent-encoded) path and query values. */
export interface Draft {
  params: Record<string, string>;
  query: [string, string][];
  /** JSON (where `"__SPLICE__"` is replaced by `splice`, for text JSON.stringify cannot build) or raw text. */
  body?: { json: unknown; splice?: string } | { text: string; contentType: string };
}

export interface Case {
  op: Operation;
  what: string;
  draft: Draft;
}

export const SPLICE = '__SPLICE__';

/** Every operation of the document, its `$ref`s resolved. */
export function operations(doc: {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: unknown }>>;
  components?: { schemas?: Record<string, Schema> };
}): Operation[] {
  const named = doc.components?.schemas ?? {};
  const resolve = (s: Schema | undefined, seen = new Set<string>()): Schema | undefined => {
    if (!s || typeof s !== 'object') return s;
    if (s.$ref) {
      const name = s.$ref.split('/').pop()!;
      if (seen.has(name)) return {};
      return resolve(named[name], new Set([...seen, name]));
    }
    const out: Schema = { ...s };
    if (s.properties)
      out.properties = Object.fromEntries(
        Object.entries(s.properties).map(([k, v]) => [k, resolve(v, seen)!]),
      );
    if (s.items) out.items = resolve(s.items, seen);
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const)
      if (s[k]) out[k] = s[k]!.map((v) => resolve(v, seen)!);
    if (typeof s.additionalProperties === 'object')
      out.additionalProperties = resolve(s.additionalProperties, seen);
    return out;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
        ?.content?.['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) })),
        ...(body && { body: resolve(body) }),
      };
    }),
  );
}

const types = (s: Schema): string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
/** The branch a sample is drawn from: the first one that is not `null`. */
const branch = (s: Schema): Schema => {
  const alts = s.anyOf ?? s.oneOf;
  return alts ? branch(alts.find((a) => !types(a).includes('null')) ?? alts[0]!) : s;
};
const isFree = (s: Schema) =>
  !s.type && !s.anyOf && !s.oneOf && !s.allOf && !s.properties && s.const === undefined && !s.enum;

const STRING_CANDIDATES = [
  'x',
  'fuzz',
  'A1',
  'a-1',
  'e1',
  '00',
  '2001:db8::1',
  'ff3e::1',
  '* * * * *',
  'UTC',
];

/** A value the schema accepts (best effort: patterns are matched against a few candidates). */
export function sample(schema: Schema): unknown {
  const s = branch(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.allOf) return Object.assign({}, ...s.allOf.map(sample));
  const t = types(s)[0];
  if (t === 'string') {
    if (s.format === 'date-time') return new Date().toISOString();
    const fits = (c: string) =>
      (!s.pattern || new RegExp(s.pattern).test(c)) &&
      c.length >= (s.minLength ?? 0) &&
      c.length <= (s.maxLength ?? Infinity);
    return STRING_CANDIDATES.find(fits) ?? 'x'.repeat(Math.max(1, s.minLength ?? 1));
  }
  if (t === 'integer' || t === 'number') return Math.min(Math.max(1, s.minimum ?? 1), s.maximum ?? 1);
  if (t === 'boolean') return false;
  if (t === 'null') return null;
  if (t === 'array') return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}));
  if (t === 'object' || s.properties)
    return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k] ?? {})]));
  return {};
}

/** A place in the body: its key path, the schema there, and the schemas along the way (to build parents). */
interface Site {
  keys: (string | number)[];
  schema: Schema;
  chain: Schema[];
}

function bodySites(root: Schema, maxDepth = 6, maxSites = 60): Site[] {
  const out: Site[] = [];
  const walk = (s: Schema, keys: (string | number)[], chain: Schema[]) => {
    if (out.length >= maxSites || keys.length > maxDepth) return;
    const b = branch(s);
    if (keys.length) out.push({ keys, schema: b, chain });
    for (const [k, v] of Object.entries(b.properties ?? {})) walk(v, [...keys, k], [...chain, b]);
    if (b.items) walk(b.items, [...keys, 0], [...chain, b]);
  };
  walk(root, [], []);
  return out;
}

/** `body` with the value at `site` replaced, parents created from their schemas where missing. */
function setAt(body: unknown, site: Site, value: unknown): unknown {
  const copy = structuredClone(body ?? sample(site.chain[0] ?? {}));
  let at = copy as Record<string | number, unknown>;
  site.keys.forEach((k, i) => {
    if (i === site.keys.length - 1) at[k] = value;
    else {
      const next = site.keys[i + 1];
      const parent = site.chain[i + 1] ?? {};
      if (typeof at[k] !== 'object' || at[k] === null)
        at[k] = typeof next === 'number' ? [sample(parent.items ?? {})] : sample(parent);
      if (typeof next === 'number' && Array.isArray(at[k]) && (at[k] as unknown[]).length === 0)
        (at[k] as unknown[]).push(sample(parent.items ?? {}));
      at = at[k] as Record<string | number, unknown>;
    }
  });
  return copy;
}

function removeAt(body: unknown, keys: (string | number)[]): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof at?.[k] !== 'object' || at[k] === null) return copy;
    at = at[k] as Record<string | number, unknown>;
  }
  if (at) delete at[keys.at(-1)!];
  return copy;
}

const fieldName = (keys: (string | number)[]) =>
  keys.reduce<string>((a, k) => (typeof k === 'number' ? `${a}[${k}]` : a ? `${a}.${k}` : k), '');

/** JSON text nested `depth` levels (JSON.stringify would overflow the stack building it). */
export const deepJson = (depth: number) => '[{"a":'.repeat(depth / 2) + '0' + '}]'.repeat(depth / 2);

const HUGE_NUMBERS = [
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '99999999999999999999999999',
  '1e300',
  '-1e300',
  '1e400',
  '1.5',
];
const BAD_DATES = [
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '+275760-09-13T00:00:00Z',
  '2020-13-45T25:61:61Z',
  'yesterday',
];

/** Bad values for one schema: `[what, value]`, or raw JSON text to splice. */
function badValues(s: Schema): { what: string; value?: unknown; raw?: string }[] {
  const t = types(s);
  const out: { what: string; value?: unknown; raw?: string }[] = [];
  const wrong: [string, unknown][] = [
    ['string', 'text'],
    ['number', 12345],
    ['boolean', true],
    ['null', null],
    ['object', { zz: 1 }],
    ['array', ['zz']],
  ];
  if (!isFree(s) && !s.anyOf && !s.oneOf)
    for (const [type, value] of wrong)
      if (!t.includes(type) && !(type === 'number' && t.includes('integer')))
        out.push({ what: `wrong type (${type})`, value });
  out.push({ what: 'NUL', value: 'a\u0000b' }, { what: 'lone surrogate', value: 'x\ud800y' });
  out.push({ what: 'deep nesting', raw: deepJson(3000) });
  if (t.includes('string') || isFree(s)) {
    out.push({
      what: 'oversize string',
      value: 'a'.repeat(s.maxLength !== undefined ? s.maxLength + 1 : 300_000),
    });
    if (s.format === 'date-time') for (const d of BAD_DATES) out.push({ what: `date ${d}`, value: d });
  }
  if (t.includes('integer') || t.includes('number') || isFree(s))
    for (const n of HUGE_NUMBERS) out.push({ what: `number ${n}`, raw: n });
  if (t.includes('array') && s.maxItems !== undefined && s.maxItems < 5000)
    out.push({
      what: 'too many items',
      value: Array.from({ length: s.maxItems + 1 }, () => sample(s.items ?? {})),
    });
  if (t.includes('object') || s.properties) {
    if (s.additionalProperties === false)
      out.push({ what: 'extra field', value: { ...(sample(s) as object), zzExtra: 1 } });
    out.push({ what: 'key with NUL', value: { 'k\u0000': 1 } });
  }
  if (isFree(s)) out.push({ what: 'key with lone surrogate', value: { '\udc00': 1 } });
  return out;
}

const PATH_VALUES: [string, string][] = [
  ['NUL', '%00'],
  ['lone surrogate (CESU-8)', '%ED%A0%80'],
  ['bad percent-encoding', '%E0%A4%A'],
  ['65 characters', 'a'.repeat(65)],
  ['300 characters', 'b'.repeat(300)],
  ['non-ASCII', '%F0%9D%84%9E'],
  ['dot-dot', '..'],
  ['number', '2147483648'],
];
const QUERY_VALUES: [string, string][] = [
  ['NUL', 'a%00b'],
  ['lone surrogate (CESU-8)', '%ED%A0%80'],
  ['empty', ''],
  ['text', 'abc'],
  ['boolean-ish', 'maybe'],
  ['fraction', '1.5'],
  ['negative', '-1'],
  ['int4 + 1', '2147483648'],
  ['int4 - 1', '-2147483649'],
  ['26 digits', '99999999999999999999999999'],
  ['1e400', '1e400'],
  ['year 0', '0000-01-01T00:00:00Z'],
  ['offset past 9999', encodeURIComponent('9999-12-31T23:59:59-23:59')],
  ['oversize', 'q'.repeat(5000)],
];

/** The deterministic mutations of one operation. */
export function mutations(op: Operation, base: Draft): Case[] {
  const cases: Case[] = [];
  const add = (what: string, draft: Draft) => cases.push({ op, what, draft });
  for (const p of op.params.filter((p) => p.in === 'path'))
    for (const [what, raw] of PATH_VALUES)
      add(`path ${p.name}: ${what}`, { ...base, params: { ...base.params, [p.name]: raw } });
  const query = op.params.filter((p) => p.in === 'query');
  for (const p of query) {
    const others = base.query.filter(([k]) => k !== p.name);
    for (const [what, raw] of QUERY_VALUES)
      add(`query ${p.name}: ${what}`, { ...base, query: [...others, [p.name, raw]] });
    add(`query ${p.name}: repeated`, { ...base, query: [...others, [p.name, 'a'], [p.name, 'b']] });
    if (p.required) add(`query ${p.name}: missing`, { ...base, query: others });
  }
  if (query.length) add('query: unknown parameter', { ...base, query: [...base.query, ['zzExtra', '1']] });
  if (!op.body) return cases;
  const json = (base.body as { json: unknown }).json;
  for (const [what, body] of [
    ['body: none', undefined],
    ['body: invalid JSON', { text: '{"a":', contentType: 'application/json' }],
    ['body: null', { json: null }],
    ['body: array', { json: [json] }],
    ['body: string', { json: 'text' }],
    ['body: text/plain', { text: 'hello', contentType: 'text/plain' }],
    ['body: nested 10,000 deep', { json: SPLICE, splice: deepJson(10_000) }],
    [
      'body: over the size limit',
      { text: `{"a":"${'x'.repeat(1_100_000)}"}`, contentType: 'application/json' },
    ],
  ] as const)
    add(what, { ...base, body });
  if (op.body.additionalProperties === false)
    add('body: extra field', { ...base, body: { json: { ...(json as object), zzExtra: 1 } } });
  for (const k of op.body.required ?? [])
    add(`body ${k}: missing`, { ...base, body: { json: removeAt(json, [k]) } });
  for (const site of bodySites(op.body)) {
    const field = fieldName(site.keys);
    for (const bad of badValues(site.schema))
      add(`body ${field}: ${bad.what}`, {
        ...base,
        body:
          bad.raw !== undefined
            ? { json: setAt(json, site, SPLICE), splice: bad.raw }
            : { json: setAt(json, site, bad.value) },
      });
    for (const k of site.schema.required ?? [])
      add(`body ${field}.${k}: missing`, {
        ...base,
        body: { json: removeAt(setAt(json, site, sample(site.schema)), [...site.keys, k]) },
      });
  }
  return cases;
}

/** Strings that mix the characters databases and parsers trip on. */
const hazardString = fc.string({
  unit: fc.constantFrom(
    'a',
    'Z',
    '0',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff',
    '\ud83d\ude00',
    'é',
    '"',
    '\\',
    '%',
    '\n',
    '\u202e',
  ),
  maxLength: 40,
});
const hazardValue: fc.Arbitrary<{ what: string; value?: unknown; raw?: string }> = fc.oneof(
  hazardString.map((value) => ({ what: 'random string', value })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => ({ what: 'random double', value })),
  fc
    .bigInt({ min: -(10n ** 30n), max: 10n ** 30n })
    .map((n) => ({ what: 'random big integer', raw: n.toString() })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ what: 'random JSON', value })),
  fc.integer({ min: 65, max: 5000 }).map((d) => ({ what: `nesting ${d}`, raw: deepJson(d) })),
);

/** Percent-encodes, sending a surrogate as the bytes a careless client would (CESU-8), not throwing. */
const encodeLoosely = (s: string) =>
  s
    .split(/([\ud800-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');

/** `count` random mutations of one operation, reproducible from `seed`. */
export function randomMutations(op: Operation, base: Draft, count: number, seed: number): Case[] {
  const sites = op.body ? bodySites(op.body) : [];
  const params = op.params.filter((p) => p.in === 'path' || p.in === 'query');
  const slots = sites.length + params.length;
  if (slots === 0) return [];
  const json = op.body && (base.body as { json: unknown }).json;
  return fc.sample(fc.tuple(fc.nat(slots - 1), hazardValue), { seed, numRuns: count }).map(([slot, bad]) => {
    if (slot < params.length) {
      const p = params[slot]!;
      const text = bad.raw ?? (typeof bad.value === 'string' ? bad.value : JSON.stringify(bad.value));
      const encoded = encodeLoosely(text);
      const draft: Draft =
        p.in === 'path'
          ? { ...base, params: { ...base.params, [p.name]: encoded || '%20' } }
          : { ...base, query: [...base.query.filter(([k]) => k !== p.name), [p.name, encoded]] };
      return { op, what: `${p.in} ${p.name}: ${bad.what}`, draft };
    }
    const site = sites[slot - params.length]!;
    return {
      op,
      what: `body ${fieldName(site.keys)}: ${bad.what}`,
      draft: {
        ...base,
        body:
          bad.raw !== undefined
            ? { json: setAt(json, site, SPLICE), splice: bad.raw }
            : { json: setAt(json, site, bad.value) },
      },
    };
  });
}

/** The URL and payload of a draft, for app.inject. */
export function toRequest(op: Operation, d: Draft): { url: string; payload?: string; contentType?: string } {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => d.params[name] ?? 'missing');
  const qs = d.query.map(([k, v]) => `${k}=${v}`).join('&');
  const url = qs ? `${path}?${qs}` : path;
  if (!d.body) return { url };
  if ('text' in d.body) return { url, payload: d.body.text, contentType: d.body.contentType };
  const text = JSON.stringify(d.body.json);
  return {
    url,
    payload: d.body.splice === undefined ? text : text.replace(`"${SPLICE}"`, d.body.splice),
    contentType: 'application/json',
  };
}
