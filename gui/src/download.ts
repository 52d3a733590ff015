// Saves a Blob as a file through a temporary link (no inline script: works under the strict CSP).
import { h } from './dom.ts';

export function downloadBlob(name: string, blob: Blob): void {
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
