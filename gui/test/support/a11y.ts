// An accessibility pass with axe-core over the page as it is now: serious and critical violations,
// each with the rule, its help text and the elements (none is expected).
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page: page as never }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}${v.nodes.length > 3 ? ` …+${v.nodes.length - 3}` : ''}`,
    );
}
