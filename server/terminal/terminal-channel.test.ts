import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FLOW_CONTROL, decodeTerminalFrame, type ErrorCode, type ServerMessage } from '../protocol/index';
import { FakeTerminalProcess } from './fake-terminal-process';
import { MIRROR_FLOW } from './screen-mirror';
import { DETACHED_OUTPUT, INTERRUPT_SKIP, PROMPT_WAIT_MS, TerminalChannel, type TerminalSize, type Viewer } from './terminal-channel';

const { Terminal } = xtermHeadless;
const utf8 = new TextEncoder();
const SIZE = { cols: 80, rows: 24 };

class FakeViewer implements Viewer {
  readonly frames: Uint8Array[] = [];
  readonly messages: ServerMessage[] = [];
  /** Frames and messages in arrival order, as a WebSocket would deliver them. */
  readonly events: Array<{ frame: Uint8Array } | { message: ServerMessage }> = [];
  closed: ErrorCode | undefined;

  sendFrame(frame: Uint8Array): void {
    const decoded = decodeTerminalFrame(frame)!;
    expect(decoded.channel).toBe(3);
    this.frames.push(decoded.data);
    this.events.push({ frame: decoded.data });
  }

  sendMessage(message: ServerMessage): void {
    this.messages.push(message);
    this.events.push({ message });
  }

  close(code: ErrorCode): void {
    this.closed = code;
  }

  get bytes(): number {
    return this.frames.reduce((sum, frame) => sum + frame.byteLength, 0);
  }

  get text(): string {
    return Buffer.concat(this.frames).toString('utf8');
  }
}

let channels: TerminalChannel[] = [];

afterEach(() => {
  for (const channel of channels) channel.dispose();
  channels = [];
});

/** A channel over fakes; `shells` lists every shell started, the latest last. */
async function open(size: TerminalSize = SIZE, waitForPrompt = false, skippedNote?: (bytes: number) => string) {
  const shells: FakeTerminalProcess[] = [];
  const openShell = vi.fn(async () => {
    const shell = new FakeTerminalProcess();
    shells.push(shell);
    return shell;
  });
  const channel = new TerminalChannel({ channel: 3, node: 'node-1', size, openShell, waitForPrompt, skippedNote });
  channels.push(channel);
  await vi.waitFor(() => expect(shells).toHaveLength(1));
  // Subscriptions happen in the same turn the shell is handed over.
  await Promise.resolve();
  return { channel, shells, shell: () => shells.at(-1)!, openShell };
}

/** The lines a terminal of `size` shows (scrollback included) after being fed `data`. */
function render(data: Uint8Array | string, size: TerminalSize = SIZE): Promise<string[]> {
  const terminal = new Terminal({ ...size, scrollback: 10_000, allowProposedApi: true });
  return new Promise((resolve) => {
    terminal.write(data, () => {
      const buffer = terminal.buffer.active;
      const lines: string[] = [];
      for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)!.translateToString(true));
      terminal.dispose();
      while (lines.at(-1) === '') lines.pop();
      resolve(lines);
    });
  });
}

describe('TerminalChannel', () => {
  it('sends output after a quiet spell at once, so an echo is not delayed', async () => {
    const { channel, shell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);

    shell().emit('k');
    expect(viewer.frames).toHaveLength(1);
    expect(viewer.text).toBe('k');
  });

  it('batches what follows within the window into one frame', async () => {
    const { channel, shell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);

    shell().emit('one ');
    shell().emit('two ');
    shell().emit('three');
    expect(viewer.frames).toHaveLength(1);

    await vi.waitFor(() => expect(viewer.frames).toHaveLength(2));
    expect(viewer.text).toBe('one two three');
    // Quiet again after the window: the next output goes at once.
    await new Promise((resolve) => setTimeout(resolve, FLOW_CONTROL.BATCH_WINDOW_MS * 3));
    shell().emit('!');
    expect(viewer.frames).toHaveLength(3);
  });

  it('sends at once when a batch passes the size limit', async () => {
    const { channel, shell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);

    const big = new Uint8Array(FLOW_CONTROL.BATCH_MAX_BYTES).fill(0x61);
    shell().emit('x');
    shell().emit('y');
    shell().emit(big);
    expect(viewer.frames).toHaveLength(2);
    expect(viewer.bytes).toBe(big.byteLength + 2);
  });

  it('pauses a flooding shell at the high watermark and resumes it from acknowledgements', async () => {
    const { channel, shell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);

    const chunk = utf8.encode('y\r\n'.repeat(4096));
    const flood = shell().flood(chunk);
    await vi.waitFor(() => expect(shell().paused).toBe(true));
    // Stays paused, and what is in flight stays bounded, however long nobody acknowledges: the
    // watermark, plus the batch under way, which the chunk that filled it may overrun.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shell().paused).toBe(true);
    const inFlight = viewer.bytes;
    expect(inFlight).toBeGreaterThan(FLOW_CONTROL.HIGH_WATERMARK);
    expect(inFlight).toBeLessThanOrEqual(FLOW_CONTROL.HIGH_WATERMARK + FLOW_CONTROL.BATCH_MAX_BYTES + chunk.byteLength);

    // Acknowledging down to just above the low watermark is not enough...
    channel.acknowledge(inFlight - FLOW_CONTROL.LOW_WATERMARK);
    expect(shell().paused).toBe(true);
    // ...below it is.
    channel.acknowledge(1);
    expect(shell().paused).toBe(false);
    await vi.waitFor(() => expect(viewer.bytes).toBeGreaterThan(inFlight));
    flood.stop();
  });

  it('keeps a shell at the pace of the mirror under a viewer that acknowledges at once', async () => {
    const { channel, shell } = await open();
    await channel.attach({ sendFrame: (frame) => channel.acknowledge(frame.byteLength - 1), sendMessage: () => undefined });
    const flood = shell().flood(utf8.encode('y\r\n'.repeat(4096)));
    // Produces far more than the mirror may queue, so the mirror must have paused and resumed it.
    await vi.waitFor(() => expect(flood.produced()).toBeGreaterThan(4 * MIRROR_FLOW.HIGH_WATERMARK), { timeout: 10_000 });
    expect(shell().pauses).toBeGreaterThan(0);
    flood.stop();
    await vi.waitFor(() => expect(shell().paused).toBe(false));
  });

  describe('while nobody watches', () => {
    // Faked after open() (which polls with timers); xterm's own parsing timers are faked too,
    // and run as the clock is advanced.
    const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    afterEach(() => vi.useRealTimers());

    it('feeds output to the mirror once per window, not per chunk', async () => {
      const { channel, shell } = await open();
      const marks: string[] = [];
      channel.parser.registerOscHandler(633, (data) => marks.push(data) > 0);
      fakeClock();
      shell().emit('\x1b]633;A\x07');
      shell().emit('\x1b]633;B\x07');
      vi.advanceTimersByTime(DETACHED_OUTPUT.WINDOW_MS - 1);
      expect(marks).toEqual([]);
      // The window ends; xterm parses what it was given a tick later.
      vi.advanceTimersByTime(2);
      expect(marks).toEqual(['A', 'B']);
    });

    it('holds a flooding shell at the budget each window, and lets it go on after each', async () => {
      const { shell } = await open();
      fakeClock();
      const chunk = new Uint8Array(4096).fill(0x79);
      for (let window = 0; window < 3; window++) {
        let sent = 0;
        while (!shell().paused) {
          shell().emit(chunk);
          sent += chunk.byteLength;
        }
        expect(sent).toBe(DETACHED_OUTPUT.MAX_BYTES);
        vi.advanceTimersByTime(DETACHED_OUTPUT.WINDOW_MS);
        expect(shell().paused).toBe(false);
      }
    });

    it('lets a held shell go at once when a viewer attaches, whose replay has the held output', async () => {
      const { channel, shell } = await open();
      shell().emit('held ');
      shell().emit(new Uint8Array(DETACHED_OUTPUT.MAX_BYTES).fill(0x2e));
      expect(shell().paused).toBe(true);
      const viewer = new FakeViewer();
      await channel.attach(viewer);
      expect(shell().paused).toBe(false);
      expect(viewer.text.startsWith('held ...')).toBe(true);
      // Attached again: output goes out at once, as before.
      shell().emit('k');
      expect(viewer.text.endsWith('k')).toBe(true);
    });
  });

  it('replays prior output exactly once to a viewer that attaches mid-stream', async () => {
    const { channel, shell } = await open();
    const first = new FakeViewer();
    await channel.attach(first);
    let sent = '';
    const say = (text: string) => {
      sent += text;
      shell().emit(text);
    };

    for (let i = 0; i < 150; i++) say(`line ${i}\r\n`);
    const second = new FakeViewer();
    const attached = channel.attach(second);
    // Output while the replay is being prepared must follow it, not precede or repeat it.
    for (let i = 150; i < 200; i++) say(`line ${i}\r\n`);
    await attached;
    for (let i = 200; i < 300; i++) say(`line ${i}\r\n`);
    await vi.waitFor(() => expect(second.text).toContain('line 299\r\n'));

    expect(second.events[0]).toEqual({
      message: { type: 'terminal', channel: 3, node: 'node-1', event: 'attached' },
    });
    const expected = await render(sent);
    expect(await render(second.text)).toEqual(expected);
    for (let i = 0; i < 300; i++) expect(second.text.split(`line ${i}\r`)).toHaveLength(2);
    // The replaced viewer saw everything up to its replacement, then was told and closed.
    expect(first.text).toBe(sent.slice(0, sent.indexOf('line 150')));
    expect(first.messages.at(-1)).toMatchObject({ type: 'error', code: 'REPLACED' });
    expect(first.closed).toBe('REPLACED');
  });

  it('replays the screen to a viewer coming back after missing output', async () => {
    const { channel, shell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    shell().emit('\x1b[1;32mgreen\x1b[0m before\r\n');
    await vi.waitFor(() => expect(viewer.frames).toHaveLength(1));
    channel.detach(viewer);
    shell().emit('while away\r\n$ ');

    const again = new FakeViewer();
    await channel.attach(again);
    shell().emit('ls');
    await vi.waitFor(() => expect(again.text.endsWith('ls')).toBe(true));
    expect(await render(again.text)).toEqual(['green before', 'while away', '$ ls']);
    expect(again.text).toMatch(/\x1b\[(1;32|32;1)m/);
    // Nothing reached the viewer that had left.
    expect(viewer.text).toBe('\x1b[1;32mgreen\x1b[0m before\r\n');
  });

  it('resizes the shell and the mirror', async () => {
    const { channel, shell } = await open();
    channel.resize(100, 40);
    channel.resize(100, 40);
    expect(shell().resizes).toEqual([{ cols: 100, rows: 40 }]);

    shell().emit('x'.repeat(90));
    const viewer = new FakeViewer();
    await channel.attach(viewer, { cols: 120, rows: 40 });
    expect(shell().resizes.at(-1)).toEqual({ cols: 120, rows: 40 });
    // At 100 (and then 120) columns the 90 characters never wrapped.
    expect(await render(viewer.text, { cols: 120, rows: 40 })).toEqual(['x'.repeat(90)]);
  });

  it('writes input to the shell', async () => {
    const { channel, shell } = await open();
    channel.input(utf8.encode('echo hi\r'));
    channel.input('\x03');
    expect(shell().input).toEqual(['echo hi\r', '\x03']);
  });

  it('keeps input typed while the shell starts, and writes it once it runs', async () => {
    const { channel, shells } = await open();
    const restarted = channel.restart();
    channel.input('ls\r');
    expect(shells).toHaveLength(1);
    await restarted;
    expect(shells[1]!.input).toEqual(['ls\r']);
  });

  it('with waitForPrompt, keeps keystrokes until the shell shows its prompt, then writes them in order', async () => {
    const { channel, shell } = await open(SIZE, true);
    channel.input('echo ');
    channel.input('hi\r');
    expect(shell().input).toEqual([]);
    channel.promptShown();
    channel.input('ls\r');
    expect(shell().input).toEqual(['echo ', 'hi\r', 'ls\r']);
  });

  it('with waitForPrompt, gives kept keystrokes to a shell that never reports a prompt after a while', async () => {
    const { channel, shell } = await open(SIZE, true);
    // Faked only now (open() polls with timers): the restarted shell's wait is a fake timer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await channel.restart();
      channel.input('ls\r');
      vi.advanceTimersByTime(PROMPT_WAIT_MS - 1);
      expect(shell().input).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(shell().input).toEqual(['ls\r']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports an exit after the last output, and restarts a fresh shell', async () => {
    const { channel, shells, shell, openShell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    const first = shell();
    first.emit('bye\r\n');
    first.exit(130);

    expect(viewer.events.slice(-2)).toEqual([
      { frame: utf8.encode('bye\r\n') },
      { message: { type: 'terminal', channel: 3, node: 'node-1', event: 'exited', exitCode: 130 } },
    ]);
    expect(first.disposed).toBe(true);
    channel.input('lost');
    expect(first.input).toEqual([]);

    channel.resize(90, 30);
    await channel.restart();
    expect(shells).toHaveLength(2);
    expect(openShell).toHaveBeenLastCalledWith({ cols: 90, rows: 30 });
    shell().emit('$ ');
    channel.input('ls\r');
    expect(shell().input).toEqual(['ls\r']);
    await vi.waitFor(() => expect(viewer.text).toBe('bye\r\n$ '));
  });

  it('tells a viewer that attaches after the exit, after its replay', async () => {
    const { channel, shell } = await open();
    shell().emit('done\r\n');
    shell().exit(0);
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    expect(viewer.events.map((event) => ('message' in event ? event.message.type : 'frame'))).toEqual([
      'terminal',
      'frame',
      'terminal',
    ]);
    expect(viewer.messages.at(-1)).toMatchObject({ event: 'exited', exitCode: 0 });
  });

  it('ends a running shell on restart without reporting its exit', async () => {
    const { channel, shells } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    await channel.restart();
    expect(shells[0]!.disposed).toBe(true);
    shells[0]!.exit(0);
    expect(viewer.messages.filter((message) => message.type === 'terminal')).toHaveLength(1);
  });

  it('reports a shell that cannot start as exited, and logs why', async () => {
    const log = vi.fn();
    const openShell = vi.fn(() => Promise.reject(new Error('no such container')));
    const channel = new TerminalChannel({ channel: 3, node: 'node-1', size: SIZE, openShell, log });
    channels.push(channel);
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    await vi.waitFor(() => expect(viewer.messages.at(-1)).toMatchObject({ event: 'exited', exitCode: null }));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('no such container'));
  });

  it('releases everything on dispose, even mid-batch', async () => {
    const { channel, shell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    const process = shell();
    process.emit('sent at once');
    process.emit('pending');
    channel.dispose();

    await new Promise((resolve) => setTimeout(resolve, FLOW_CONTROL.BATCH_WINDOW_MS * 5));
    expect(process.disposed).toBe(true);
    expect(viewer.text).toBe('sent at once');
  });

  it('releases everything on dispose, even mid-replay or mid-start', async () => {
    const { channel, shell } = await open();
    shell().emit('before');
    const viewer = new FakeViewer();
    const replay = channel.attach(viewer);
    channel.dispose();
    await replay;
    expect(viewer.frames).toHaveLength(0);

    // A shell that was still starting is ended when it arrives.
    const starting = new FakeTerminalProcess();
    let deliver!: (shell: FakeTerminalProcess) => void;
    const slow = new TerminalChannel({
      channel: 3,
      node: 'node-1',
      size: SIZE,
      openShell: () => new Promise((resolve) => (deliver = resolve)),
    });
    await vi.waitFor(() => expect(deliver).toBeDefined());
    slow.dispose();
    deliver(starting);
    await vi.waitFor(() => expect(starting.disposed).toBe(true));
  });
});

describe('TerminalChannel watchers', () => {
  it('get the screen so far, then every byte, beside the viewer and without one', async () => {
    const { channel, shell } = await open();
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    shell().emit('before\r\n');
    const seen: Uint8Array[] = [];
    const watching = channel.watch((data) => seen.push(data));
    shell().emit('during\r\n');
    await vi.waitFor(async () => expect((await render(Buffer.concat(seen))).slice(0, 2)).toEqual(['before', 'during']));

    // The learner's page closes: the watcher sees output once per detached window.
    channel.detach(viewer);
    shell().emit('after');
    await vi.waitFor(async () => expect(await render(Buffer.concat(seen))).toEqual(['before', 'during', 'after']), { timeout: DETACHED_OUTPUT.WINDOW_MS * 8 });

    watching.dispose();
    const count = seen.length;
    shell().emit('gone');
    await new Promise((resolve) => setTimeout(resolve, DETACHED_OUTPUT.WINDOW_MS * 2));
    expect(seen).toHaveLength(count);
  });
});

describe('Ctrl-C during a flood', () => {
  // What bash prints after an interrupted command: the end mark, the prompt mark, the prompt.
  const PROMPT = '\x1b]633;D;130;n\x07\x1b]633;A;n\x07root@node1:~# ';
  /** A channel whose viewer has more than the low watermark unacknowledged. */
  async function flooding() {
    const opened = await open(SIZE, false, (bytes) => `skipped ${bytes}`);
    const viewer = new FakeViewer();
    await opened.channel.attach(viewer);
    opened.shell().emit(new Uint8Array(FLOW_CONTROL.LOW_WATERMARK + 1).fill(0x79));
    return { ...opened, viewer, sent: viewer.bytes };
  }

  it('skips the output queued behind the interrupt up to the shell\'s mark, for the viewer and the mirror, and says how much', async () => {
    const { channel, shell, viewer, sent } = await flooding();
    channel.input('\x03');
    expect(shell().input).toContain('\x03');
    shell().emit('z'.repeat(5000));
    shell().emit(`${'z'.repeat(500)}^C\r\n${PROMPT}`);
    await vi.waitFor(() => expect(viewer.text).toContain('root@node1:~# '));
    const after = viewer.text.slice(sent);
    expect(after).not.toContain('z');
    expect(after).toBe(`\r\n\x1b[2mskipped ${5000 + 500 + 4}\x1b[22m\r\n${PROMPT}`);

    // The replay a new page gets is what the first one saw: no skipped output in the mirror.
    const next = new FakeViewer();
    await channel.attach(next);
    expect(next.text).toContain('skipped 5504');
    expect(next.text).not.toContain('z');
    // And the output after it flows as before.
    shell().emit('after');
    await vi.waitFor(() => expect(next.text).toContain('after'));
  });

  it('skips nothing when little is in flight: a Ctrl-C at a quiet prompt', async () => {
    const { channel, shell } = await open(SIZE, false, (bytes) => `skipped ${bytes}`);
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    shell().emit('small output');
    channel.input('\x03');
    shell().emit('^C\r\n');
    await vi.waitFor(() => expect(viewer.text).toBe('small output^C\r\n'));
  });

  it('skips too when the page has just caught up but the shell was held back for it a moment ago', async () => {
    const { channel, shell } = await open(SIZE, false, (bytes) => `skipped ${bytes}`);
    const viewer = new FakeViewer();
    await channel.attach(viewer);
    const flood = shell().flood(utf8.encode('y'.repeat(4096)));
    await vi.waitFor(() => expect(shell().paused).toBe(true));
    flood.stop();
    channel.acknowledge(viewer.bytes);
    const sent = viewer.bytes;
    channel.input('\x03');
    shell().emit(`yyyy${PROMPT}`);
    await vi.waitFor(() => expect(viewer.text.slice(sent)).toBe(`\r\n${PROMPT}`));
  });

  it('shows output again after INTERRUPT_SKIP.MAX_MS when the program ignores the interrupt; a small skip gets no note', async () => {
    const { channel, shell, viewer, sent } = await flooding();
    const now = vi.spyOn(Date, 'now');
    const start = Date.now();
    channel.input(utf8.encode('\x03'));
    shell().emit('ignored');
    now.mockReturnValue(start + INTERRUPT_SKIP.MAX_MS + 1);
    shell().emit('still printing');
    now.mockRestore();
    await vi.waitFor(() => expect(viewer.text.slice(sent)).toBe('\r\nstill printing'));
  });
});
