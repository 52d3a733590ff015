import { describe, expect, it } from 'vitest';
import { MATRIX_FIELDS, matrixCells, matrixColumns } from '../src/api/monitors.ts';

const row = (v: Partial<Record<(typeof MATRIX_FIELDS)[number], number>>) =>
  MATRIX_FIELDS.map((f) => v[f] ?? null);

describe('matrix columns', () => {
  it('turns rows into one column per field, a field no cell has into one null, and back', () => {
    const rows = [
      row({ source: 0, receiver: 1, state: 0, delayP50Ms: 0.412 }),
      row({ source: 1, receiver: 0, state: 2, lost: 10 }),
    ];
    const g = matrixColumns(rows);
    expect(g.size).toBe(2);
    expect(g.columns).toHaveLength(MATRIX_FIELDS.length);
    expect(g.columns[MATRIX_FIELDS.indexOf('state')]).toEqual([0, 2]);
    expect(g.columns[MATRIX_FIELDS.indexOf('lost')]).toEqual([null, 10]);
    expect(g.columns[MATRIX_FIELDS.indexOf('joinLatencyMs')]).toBeNull();
    const cells = matrixCells(g);
    expect(cells[0]).toMatchObject({
      source: 0,
      receiver: 1,
      delayP50Ms: 0.412,
      lost: null,
      joinLatencyMs: null,
    });
    expect(cells[1]).toMatchObject({ source: 1, state: 2, lost: 10, delayP50Ms: null });
  });

  it('has no cells for an empty group', () => {
    expect(matrixCells(matrixColumns([]))).toEqual([]);
  });
});
