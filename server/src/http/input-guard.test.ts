import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, inputProblem } from './input-guard.ts';

const nest = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('inputProblem', () => {
  it('accepts ordinary JSON, emoji (surrogate pairs) included', () => {
    expect(inputProblem({ a: ['x', 1, null, true, { ключ: 'значение 😀' }] }, 'body')).toBeUndefined();
    expect(inputProblem(undefined, 'body')).toBeUndefined();
    expect(inputProblem(nest(MAX_DEPTH), 'body')).toBeUndefined();
  });

  it('names the field of a NUL character or a lone surrogate, in validation notation', () => {
    expect(inputProblem({ facts: { hostname: 'a\u0000' } }, 'body')).toEqual({
      field: 'facts.hostname',
      message: expect.stringMatching(/NUL/),
    });
    expect(inputProblem({ results: [{ data: ['ok', 'x\ud800'] }] }, 'body')?.field).toBe(
      'results[0].data[1]',
    );
    expect(inputProblem({ s: '\udfff' }, 'body')?.message).toMatch(/lone UTF-16 surrogate/);
    expect(inputProblem({ s: '\ud83d' }, 'body')?.field).toBe('s');
    expect(inputProblem('text\u0000', 'body')?.field).toBe('body');
    expect(inputProblem(['\u0000'], 'body')?.field).toBe('body[0]');
  });

  it('checks object keys too', () => {
    expect(inputProblem({ args: { 'a\u0000': 1 } }, 'body')).toEqual({
      field: 'args',
      message: expect.stringMatching(/^has a key that .*NUL/),
    });
  });

  it('refuses nesting deeper than the limit, naming where it starts, at any depth without recursion', () => {
    expect(inputProblem({ args: nest(MAX_DEPTH) }, 'body')).toEqual({
      field: 'args[0].k',
      message: `is nested deeper than ${MAX_DEPTH} levels of objects and arrays`,
    });
    // far deeper than any call stack
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(inputProblem({ policy: deep }, 'body')?.field).toBe('policy[0][0]');
  });
});
