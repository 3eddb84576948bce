/**
 * Playwright fixtures shared by the end-to-end tests: one Slipway server per worker, and
 * learners as fresh browser contexts (each its own cookie, so its own sandbox).
 */
import { test as base, type BrowserContext } from '@playwright/test';
import { startSlipway, type RunningSlipway } from './server';

export { expect } from '@playwright/test';

interface Fixtures {
  /** A new learner: a browser context with its own cookie jar, closed after the test. */
  newLearner: () => Promise<BrowserContext>;
}

export const test = base.extend<Fixtures, { slipway: RunningSlipway }>({
  slipway: [
    // Playwright reads a fixture's dependencies from this pattern: it has none.
    async ({}, use) => {
      const server = await startSlipway();
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
  newLearner: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      contexts.push(context);
      return context;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});
