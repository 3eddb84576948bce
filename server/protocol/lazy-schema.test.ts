import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { parseClientMessage, parseServerMessage } from './messages';

describe('lazySchema', () => {
  it('builds its schema once, when first used, not when defined', () => {
    let builds = 0;
    const Name = lazySchema(() => {
      builds++;
      return z.string().min(1).max(5);
    });
    expect(builds).toBe(0);
    expect(Name.safeParse('bob').success).toBe(true);
    expect(Name.safeParse('').success).toBe(false);
    expect(builds).toBe(1);
  });

  it('composes as the schema itself: in objects, unions and extensions, with the same issues', () => {
    const Kind = lazySchema(() => z.enum(['a', 'b']));
    const A = lazySchema(() => z.strictObject({ type: z.literal('a'), kind: Kind }));
    const B = lazySchema(() => z.object({ type: z.literal('b'), n: z.number().int() }));
    const Either = lazySchema(() => z.discriminatedUnion('type', [A, B]));
    expect(Either.safeParse({ type: 'a', kind: 'b' }).success).toBe(true);
    expect(Either.safeParse({ type: 'b', n: 1.5 }).success).toBe(false);
    expect(Either.safeParse({ type: 'c' }).success).toBe(false);
    const wrong = Either.safeParse({ type: 'a', kind: 'c' });
    expect(!wrong.success && wrong.error.issues.map((issue) => issue.path)).toEqual([['kind']]);
    expect(A).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(A.shape)).toEqual(['type', 'kind']);
    expect(Kind.options).toEqual(['a', 'b']);
    const Wider = A.extend({ more: z.boolean() });
    expect(Wider.safeParse({ type: 'a', kind: 'a', more: true }).success).toBe(true);
    expect(A.safeParse({ type: 'a', kind: 'a', more: true }).success).toBe(false);
  });

  it('leaves the protocol parsing as before: valid messages pass, others are refused', () => {
    expect(parseClientMessage(JSON.stringify({ type: 'resize', channel: 0, cols: 80, rows: 24 })).ok).toBe(true);
    expect(parseClientMessage(JSON.stringify({ type: 'resize', channel: 0, cols: -1, rows: 24 })).ok).toBe(false);
    expect(parseServerMessage(JSON.stringify({ type: 'no-such-message' })).ok).toBe(false);
  });
});
