import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';
import { compareValues } from './grid.ts';

describe('compareValues', () => {
  it('orders port names and numbers naturally, empty cells last', () => {
    expect(['Gi0/10', 'Gi0/2', '', 'Gi0/1'].sort(compareValues)).toEqual(['Gi0/1', 'Gi0/2', 'Gi0/10', '']);
    expect([10, 9, 100].sort(compareValues)).toEqual([9, 10, 100]);
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['=SUM(A1)', -3],
          [null, 'line\nbreak'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),-3\r\n,"line\nbreak"\r\n');
  });
});
