import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'web/**/*.test.ts', 'e2e/**/*.test.ts'],
    environment: 'node',
  },
});
