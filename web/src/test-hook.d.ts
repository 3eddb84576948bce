/**
 * Installed by App.svelte so that end-to-end tests and benchmarks can drive the terminals.
 * `node` names a node's terminal (node1, node2, ...); without it, the terminal shown.
 */
declare global {
  interface Window {
    slipwayTest?: {
      /** The visible screen as text. */
      screenText(node?: string): string;
      /** Sends `text` to the shell exactly as typing it would. */
      sendInput(text: string, node?: string): void;
      /** Calls `listener` with each output frame once xterm has parsed it; returns the unsubscribe. */
      onOutput(listener: (bytes: Uint8Array) => void, node?: string): () => void;
    };
    /** Installed by the trainer's page: the watched participant's terminal as text. */
    slipwayTrainerTest?: {
      watchedText(): string;
    };
  }
}

export {};
