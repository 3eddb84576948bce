import { describe, expect, it } from 'vitest';
import { resilientFetch, retryNetwork } from './network-retry';

/** A fetch that fails with `failures` network errors (as Chromium's ERR_NETWORK_CHANGED does) before it answers. */
function flaky(failures: number) {
  const calls: string[] = [];
  const fetcher = (async (url: string) => {
    calls.push(url);
    if (calls.length <= failures) throw new TypeError('Failed to fetch');
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  return { calls, fetcher };
}

describe('resilientFetch', () => {
  it('asks again after a network failure and returns the answer', async () => {
    const { calls, fetcher } = flaky(2);
    const response = await resilientFetch('/api/lessons', fetcher, [0, 0, 0]);
    expect(response.status).toBe(200);
    expect(calls).toEqual(['/api/lessons', '/api/lessons', '/api/lessons']);
  });

  it('gives up after its retries with the network error', async () => {
    const { calls, fetcher } = flaky(5);
    await expect(resilientFetch('/api/lessons', fetcher, [0, 0])).rejects.toThrow('Failed to fetch');
    expect(calls).toHaveLength(3);
  });

  it('returns an answer of any status at once, and does not retry other errors', async () => {
    const notFound = (async () => new Response('{}', { status: 404 })) as unknown as typeof fetch;
    expect((await resilientFetch('/x', notFound, [0])).status).toBe(404);
    let calls = 0;
    const aborted = (async () => {
      calls++;
      throw new DOMException('aborted', 'AbortError');
    }) as unknown as typeof fetch;
    await expect(resilientFetch('/x', aborted, [0, 0])).rejects.toThrow('aborted');
    expect(calls).toBe(1);
  });
});

describe('retryNetwork', () => {
  it('imports again after a failed module fetch (Chromium fetches a failed dynamic import anew)', async () => {
    let calls = 0;
    const load = async () => {
      if (++calls < 3) throw new TypeError('Failed to fetch dynamically imported module');
      return { Terminal: 'loaded' };
    };
    expect(await retryNetwork(load, [0, 0, 0])).toEqual({ Terminal: 'loaded' });
    expect(calls).toBe(3);
  });

  it('does not try a module that failed to parse again', async () => {
    let calls = 0;
    const load = async () => {
      calls++;
      throw new SyntaxError('Unexpected token');
    };
    await expect(retryNetwork(load, [0, 0])).rejects.toThrow(SyntaxError);
    expect(calls).toBe(1);
  });
});
