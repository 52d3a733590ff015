// The templates a stored sequence must carry: the server and agents know only the built-ins and the
// definition's own `templates`, so the user templates its messages name (and what those extend)
// travel with it. Pure.
import type { Message, TemplateDef } from '@netspotter/shared';
import type { SequenceDefinition } from './document.ts';

function templatesOf(msg: Message, out: Set<string>): void {
  out.add(msg.template);
  for (const v of Object.values(msg.values ?? {}))
    if (v && typeof v === 'object' && 'template' in v) templatesOf(v as Message, out);
}

/**
 * The user templates (latest, as `library` holds them) the definition's messages use, with those they
 * extend; then the definition's own templates no user template replaces, as they came.
 */
export function templatesFor(def: SequenceDefinition, library: TemplateDef[]): TemplateDef[] {
  const byName = new Map(library.map((t) => [t.name, t]));
  const own = (def.templates ?? []).filter((t) => !byName.has(t.name));
  const wanted = new Set<string>();
  for (const s of def.steps) if ('message' in s) templatesOf(s.message, wanted);
  const used = new Set<string>();
  const visit = (name: string) => {
    const t = byName.get(name);
    if (!t || used.has(name)) return;
    used.add(name);
    if (t.extends) visit(t.extends);
  };
  wanted.forEach(visit);
  return [...library.filter((t) => used.has(t.name)), ...own];
}
