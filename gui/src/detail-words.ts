// Details and arguments as words ("name: lab discovery · targets: 3"), never as raw JSON (pure).

function flatten(value: unknown, path: string, out: string[]): void {
  if (value === null || value === undefined || value === '') return;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object'))
      out.push(`${path}: ${value.length ? value.join(', ') : 'none'}`);
    else value.forEach((v, i) => flatten(v, `${path} ${i + 1}`, out));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path} ${k}` : k, out);
    return;
  }
  out.push(path ? `${path}: ${String(value)}` : String(value));
}

export function detailWords(details: unknown): string {
  const out: string[] = [];
  flatten(details, '', out);
  return out.join(' · ');
}
