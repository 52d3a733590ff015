// Round trips for every built-in template: encode, auto-decode through the dispatch tables (the same
// templates must come back), encode again to the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Message, builtinLibrary, builtinTemplates, decode, encode } from '../src/packet/index.ts';
import { stackMessage, stacks } from './arbitrary.ts';
import { stack } from './messages.ts';

const lib = builtinLibrary();

/** Template names of a decoded message, outermost first, including list item templates. */
function templatesIn(m: Message, out = new Set<string>()): Set<string> {
  out.add(m.template);
  const tpl = lib.get(m.template);
  for (const f of tpl.fields) {
    const v = m.values?.[f.name];
    if (typeof v === 'object' && v !== null && 'template' in v) templatesIn(v as Message, out);
    if (Array.isArray(v) && f.item?.type === 'message') {
      for (const item of v)
        templatesIn({ template: f.item.template, values: item as Message['values'] }, out);
    }
  }
  return out;
}

const chain = (m: Message): string[] => {
  const body = Object.values(m.values ?? {}).find(
    (v) => typeof v === 'object' && v !== null && 'template' in v,
  );
  return [m.template, ...(body ? chain(body as Message) : [])];
};

describe('built-in templates round trip', () => {
  it('the library resolves cleanly', () => {
    expect(lib.check()).toEqual([]);
  });

  it.each(stacks.map((s) => [s.join('/'), s]))(
    '%s decodes back to the same templates and bytes',
    (_, layers) => {
      const samples = fc.sample(stackMessage(layers as string[]), { numRuns: 20, seed: 4 });
      // Defaults only (where a user starts from) and random values.
      for (const m of [stack(...(layers as string[])), ...samples]) {
        const bytes = encode(lib, m);
        const back = decode(lib, bytes);
        expect(chain(back).slice(0, layers.length)).toEqual(layers);
        expect(Buffer.from(encode(lib, back))).toEqual(Buffer.from(bytes));
      }
    },
  );

  it('covers every built-in template', () => {
    const seen = new Set<string>();
    for (const stack of stacks) {
      for (const m of fc.sample(stackMessage(stack), { numRuns: 30, seed: 7 }))
        templatesIn(decode(lib, encode(lib, m)), seen);
    }
    expect([...seen].sort()).toEqual(builtinTemplates.map((t) => t.name).sort());
  });
});
