import { afterEach, describe, expect, it, vi } from 'vitest';
import { MIRROR_FLOW, ScreenMirror } from './screen-mirror';

const utf8 = new TextEncoder();
let mirrors: ScreenMirror[] = [];

function mirror(options: Partial<ConstructorParameters<typeof ScreenMirror>[0]> = {}): ScreenMirror {
  const created = new ScreenMirror({ cols: 40, rows: 5, ...options });
  mirrors.push(created);
  return created;
}

afterEach(() => {
  for (const created of mirrors) created.dispose();
  mirrors = [];
});

describe('ScreenMirror', () => {
  it('snapshots exactly what was written before the snapshot was asked for', async () => {
    const screen = mirror();
    screen.write(utf8.encode('before\r\n'));
    const snapshot = screen.snapshot();
    screen.write(utf8.encode('after\r\n'));
    const first = await snapshot;
    expect(first).toContain('before');
    expect(first).not.toContain('after');
    expect(await screen.snapshot()).toMatch(/^before\r\nafter/);
  });

  it('keeps a bounded scrollback', async () => {
    const screen = mirror({ scrollback: 10 });
    for (let i = 0; i < 100; i++) screen.write(utf8.encode(`line ${i}\r\n`));
    const lines = (await screen.snapshot())!.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(14);
    expect(lines[0]).toBe('line 86');
  });

  it('pauses its producer while parsing lags behind, and resumes it once caught up', async () => {
    const onPause = vi.fn();
    const onResume = vi.fn();
    const screen = mirror({ onPause, onResume });
    const chunk = utf8.encode('y\r\n'.repeat(20_000));
    while (screen.backlog <= MIRROR_FLOW.HIGH_WATERMARK) screen.write(chunk);
    expect(onPause).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(onResume).toHaveBeenCalledOnce(), { timeout: 5000 });
    expect(screen.backlog).toBeLessThan(MIRROR_FLOW.LOW_WATERMARK);
  });

  it('follows resizes and exposes its parser', async () => {
    const screen = mirror();
    screen.resize(100, 30);
    expect([screen.cols, screen.rows]).toEqual([100, 30]);
    const titles: string[] = [];
    screen.parser.registerOscHandler(633, (data) => titles.push(data) > 0);
    screen.write(utf8.encode('\x1b]633;A\x07$ '));
    await screen.snapshot();
    expect(titles).toEqual(['A']);
  });

  it('settles a pending snapshot on dispose', async () => {
    const screen = mirror();
    screen.write(utf8.encode('x'));
    const snapshot = screen.snapshot();
    screen.dispose();
    expect(await snapshot).toBeUndefined();
    expect(await screen.snapshot()).toBeUndefined();
  });
});
