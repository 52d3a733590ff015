// Where the server's error about a sequence belongs in the editor. Stored definitions are refused
// with `definition.steps[3].message.values.body.values.dst` (schema) and checks against the agents
// with `steps[3].message.body.dst` or `participants[1].interface` (compiler); both land on the step
// or participant and, for messages, on the field path the message editor uses (`body.dst`).
export type ErrorPlace =
  | { area: 'step'; index: number; part?: string; messagePath?: string }
  | { area: 'participant'; index: number; part?: string }
  | { area: 'alias'; name?: string }
  | { area: 'general'; field: string };

export function placeError(field: string | undefined): ErrorPlace {
  const f = (field ?? '').replace(/^definition\.?/, '');
  const step = /^steps\[(\d+)\](?:\.(.*))?$/.exec(f);
  if (step) {
    const index = Number(step[1]);
    const rest = step[2];
    if (rest === undefined) return { area: 'step', index };
    if (rest === 'message' || rest.startsWith('message.')) {
      const inner = rest
        .slice('message'.length)
        .replace(/^\./, '')
        .split('.')
        .filter((p) => p !== 'values')
        .join('.');
      return { area: 'step', index, part: 'message', ...(inner && { messagePath: inner }) };
    }
    return { area: 'step', index, part: rest };
  }
  const part = /^participants\[(\d+)\](?:\.(.*))?$/.exec(f);
  if (part) return { area: 'participant', index: Number(part[1]), ...(part[2] && { part: part[2] }) };
  const alias = /^aliases(?:\.(.+))?$/.exec(f);
  if (alias) return { area: 'alias', ...(alias[1] && { name: alias[1] }) };
  return { area: 'general', field: f || 'definition' };
}

/** The message without the field path the server prefixed ("steps[2].ms: must be <= 3600000" → the rest). */
export const withoutField = (message: string, field: string | undefined): string =>
  field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
