export type ClipboardAction = 'copy' | 'paste';

type KeyInfo = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>;

/**
 * Terminal clipboard shortcuts: Ctrl+Shift+C / Ctrl+Shift+V, or Cmd+C / Cmd+V on macOS.
 * Plain Ctrl+C is not one of them: it stays SIGINT for the shell.
 */
export function clipboardAction(event: KeyInfo, isMac: boolean): ClipboardAction | null {
  const modifiers = isMac
    ? event.metaKey && !event.ctrlKey && !event.altKey
    : event.ctrlKey && event.shiftKey && !event.altKey && !event.metaKey;
  if (!modifiers) return null;
  switch (event.key.toLowerCase()) {
    case 'c':
      return 'copy';
    case 'v':
      return 'paste';
    default:
      return null;
  }
}
