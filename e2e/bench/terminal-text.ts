/**
 * A shell's output as text a prompt pattern can match: without colours (CSI sequences) and
 * without the shell integration's marks (OSC sequences), which sit around every prompt.
 * (Code run in the page, by page.evaluate, cannot import this and keeps its own copy.)
 */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export const withoutEscapes = (output: string) => output.replace(ESCAPES, '');
