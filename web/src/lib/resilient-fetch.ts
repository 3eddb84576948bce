/**
 * A GET that survives a dropped connection. Chromium fails requests in flight with
 * ERR_NETWORK_CHANGED whenever the machine's interfaces change, which on a machine running
 * Slipway happens each time a session's network bridge comes or goes (seen in CI: a lesson
 * fetch failed so while a workshop's sessions were being started). Only network failures are
 * retried; an answer from the server, of any status, is returned as it is.
 */
const RETRY_DELAYS_MS = [100, 400, 1600];

export async function resilientFetch(url: string, fetcher: typeof fetch = fetch, delays: readonly number[] = RETRY_DELAYS_MS): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetcher(url);
    } catch (error) {
      const delay = delays[attempt];
      // fetch rejects with a TypeError for network failures only.
      if (!(error instanceof TypeError) || delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
