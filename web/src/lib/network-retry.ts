/**
 * Loads that survive a dropped connection. Chromium fails requests in flight with
 * ERR_NETWORK_CHANGED whenever the machine's interfaces change, which on a machine running
 * Slipway happens each time a session's network bridge comes or goes (seen in CI: a lesson
 * fetch failed so while a workshop's sessions were being started). Only network failures are
 * tried again: fetch and import() report them as a TypeError; an answer from the server, of
 * any status, is returned as it is.
 */
const RETRY_DELAYS_MS = [100, 400, 1600];

/** Runs `load` again after each network failure, waiting `delays` in turn, and gives up with the last one. */
export async function retryNetwork<T>(load: () => Promise<T>, delays: readonly number[] = RETRY_DELAYS_MS): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      const delay = delays[attempt];
      if (!(error instanceof TypeError) || delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** A GET asked again after a network failure. */
export function resilientFetch(url: string, fetcher: typeof fetch = fetch, delays?: readonly number[]): Promise<Response> {
  return retryNetwork(() => fetcher(url), delays);
}
