import { describe, expect, it } from 'vitest';
import { DeferredCalls } from './deferred-calls';

describe('DeferredCalls', () => {
  it('keeps calls until the target opens, makes them in order, then calls straight through', () => {
    const written: string[] = [];
    const calls = new DeferredCalls<string[]>();
    calls.run((screen) => screen.push('reset'));
    calls.run((screen) => screen.push('replay'));
    expect(written).toEqual([]);
    calls.open(written);
    expect(written).toEqual(['reset', 'replay']);
    calls.run((screen) => screen.push('typed'));
    expect(written).toEqual(['reset', 'replay', 'typed']);
  });

  it('drops what it kept when closed before the target came, and ignores later calls', () => {
    const written: string[] = [];
    const calls = new DeferredCalls<string[]>();
    calls.run((screen) => screen.push('early'));
    calls.close();
    calls.open(written);
    calls.close();
    calls.run((screen) => screen.push('late'));
    expect(written).toEqual([]);
  });
});
