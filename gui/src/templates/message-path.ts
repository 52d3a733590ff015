// Reading and writing a field value inside a message by the encoder's path (`body.body.hopLimit`):
// each `body` step that holds a nested message descends into that message's values.
import type { Message } from '@netspotter/shared';

const isMessage = (x: unknown): x is Message => typeof x === 'object' && x !== null && 'template' in x;

/** The message that owns the last step of `path`, and that step's field name. */
function owner(root: Message, path: string): { msg: Message; name: string } | undefined {
  const steps = path.split('.');
  let msg = root;
  for (const step of steps.slice(0, -1)) {
    const next = msg.values?.[step];
    if (!isMessage(next)) return undefined;
    msg = next;
  }
  return { msg, name: steps.at(-1)! };
}

export function getValue(root: Message, path: string): unknown {
  const o = owner(root, path);
  return o?.msg.values?.[o.name];
}

/** Sets (or with `undefined` clears, so the template default applies) one field's value. */
export function setValue(root: Message, path: string, value: unknown): void {
  const o = owner(root, path);
  if (!o) throw new Error(`no message holds ${path}`);
  o.msg.values ??= {};
  if (value === undefined) delete o.msg.values[o.name];
  else o.msg.values[o.name] = value;
}
