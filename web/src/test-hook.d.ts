/** Installed by App.svelte so that end-to-end tests and benchmarks can drive the terminal. */
declare global {
  interface Window {
    slipwayTest?: {
      /** The visible screen as text. */
      screenText(): string;
      /** Sends `text` to the shell exactly as typing it would. */
      sendInput(text: string): void;
      /** Calls `listener` with each output frame once xterm has parsed it; returns the unsubscribe. */
      onOutput(listener: (bytes: Uint8Array) => void): () => void;
    };
  }
}

export {};
