/** The parts of an xterm buffer read here; both @xterm/xterm and @xterm/headless provide them. */
interface BufferLike {
  readonly viewportY: number;
  getLine(y: number): { readonly isWrapped: boolean; translateToString(trimRight?: boolean): string } | undefined;
}

/**
 * The visible rows as text, one line per row, right-trimmed. A row that wraps on into the
 * next is joined to it, so a long line of output reads as one line.
 */
export function visibleText(buffer: BufferLike, rows: number): string {
  const lines: string[] = [];
  for (let y = buffer.viewportY; y < buffer.viewportY + rows; y++) {
    const line = buffer.getLine(y);
    if (!line) break;
    const text = line.translateToString(false);
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines.map((line) => line.trimEnd()).join('\n').trimEnd();
}
