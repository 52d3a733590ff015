/** "aa:bb:cc:dd:ee:ff" from the usual spellings (colons, dashes, Cisco dots, bare hex), else undefined. */
export function normaliseMac(text: string): string | undefined {
  const hex = text.trim().toLowerCase().replace(/[:.-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}
