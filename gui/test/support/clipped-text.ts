// Text cut off on a page: HTML elements holding text whose content is wider than their box while
// their overflow hides it (or ends it in an ellipsis), and SVG text reaching past its SVG's width
// (an SVG clips what lies outside it). Each as "tag.class: text".
import type { Page } from 'playwright-core';

export function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (el: Element, text: string) =>
      `${el.tagName.toLowerCase()}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}: ${text.trim().slice(0, 60)}`;
    const ownText = (el: Element) =>
      [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      if (el instanceof SVGElement || !el.getClientRects().length) continue;
      const text = ownText(el);
      if (!text) continue;
      const style = getComputedStyle(el);
      const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
      if (hides && el.scrollWidth > el.clientWidth + 1) out.push(name(el, text));
    }
    // A placeholder wider than its empty field shows cut off.
    const ctx = document.createElement('canvas').getContext('2d')!;
    for (const input of document.querySelectorAll<HTMLInputElement>('input[placeholder]')) {
      if (input.value || !input.getClientRects().length) continue;
      const style = getComputedStyle(input);
      ctx.font = style.font;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (ctx.measureText(input.placeholder).width > room + 1)
        out.push(name(input, `placeholder ${input.placeholder}`));
    }
    for (const svg of document.querySelectorAll('svg')) {
      const width = svg.viewBox.baseVal?.width || svg.getBoundingClientRect().width;
      for (const t of svg.querySelectorAll('text')) {
        if (!t.getClientRects().length) continue;
        const box = t.getBBox();
        if (box.width > 0 && (box.x < -1 || box.x + box.width > width + 1))
          out.push(name(t, t.textContent ?? ''));
      }
    }
    return out;
  });
}
