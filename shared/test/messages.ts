// Builds nested messages: each layer becomes the body of the one before it.
import type { Message, Values } from '../src/packet/index.ts';

export type Layer = string | [template: string, values: Values];

export function stack(...layers: Layer[]): Message {
  const [first, ...rest] = layers;
  const [template, values] = typeof first === 'string' ? [first, {}] : first!;
  return { template, values: rest.length ? { ...values, body: stack(...rest) } : values };
}
