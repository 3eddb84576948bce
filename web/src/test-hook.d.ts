/** Installed by App.svelte so that end-to-end tests can poll the terminal's screen. */
declare global {
  interface Window {
    slipwayTest?: { screenText(): string };
  }
}

export {};
