// The built-in template library, in dispatch priority order.
import { TemplateLibrary } from '../library.ts';
import type { TemplateDef } from '../schema.ts';
import { icmpv6Templates } from './icmpv6.ts';
import { igmpTemplates } from './igmp.ts';
import { fragment, hopByHop, ipv4, ipv6, ipv6Option, signature, udp } from './ip.ts';
import { ethernet, vlan } from './link.ts';
import { pimHello, pimOption } from './pim.ts';

export { SIGNATURE_MAGIC } from './ip.ts';

export const builtinTemplates: readonly TemplateDef[] = [
  ethernet,
  vlan,
  ipv6,
  hopByHop,
  ipv6Option,
  fragment,
  ipv4,
  udp,
  signature,
  ...icmpv6Templates,
  ...igmpTemplates,
  pimHello,
  pimOption,
];

let shared: TemplateLibrary | undefined;

/** The built-in library (shared instance; use `.with(userTemplates)` to add templates). */
export function builtinLibrary(): TemplateLibrary {
  shared ??= new TemplateLibrary(builtinTemplates);
  return shared;
}
