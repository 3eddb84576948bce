/**
 * What shells cost the server's event loop with and without a page attached, without an
 * engine: terminal channels over fake shells (server/terminal/fake-terminal-process.ts),
 * measured by the process's CPU time. Two loads: many shells printing a line now and then
 * (a build log, `ping`), and one shell flooding as fast as it is let (`yes`).
 *
 * Part of `npm run bench` (section `detached`); alone: `npx tsx e2e/bench/detached-shells.ts`.
 */
import { pathToFileURL } from 'node:url';
import { FakeTerminalProcess } from '../../server/terminal/fake-terminal-process';
import { TerminalChannel, type Viewer } from '../../server/terminal/terminal-channel';
import { round } from './stats';

const SIZE = { cols: 100, rows: 30 };
const LINE = new TextEncoder().encode(`${'x'.repeat(98)}\r\n`);
const FLOOD_CHUNK = new TextEncoder().encode('y\r\n'.repeat(1365));

export interface LoadFigures {
  /** CPU seconds (user + system) per wall second, over the whole process. */
  cpuPerSecond: number;
  /** Output the shells got out per wall second, in MB (10^6 bytes). */
  MBps: number;
}

interface Load {
  shells: number;
  seconds: number;
  attached: boolean;
  /** Starts one shell's output; returns what stops it and the bytes it produced. */
  produce(shell: FakeTerminalProcess): { stop: () => void; produced: () => number };
}

/** A viewer that renders instantly: every frame acknowledged at once, as a fast page would. */
function instantViewer(channel: () => TerminalChannel): Viewer {
  return {
    sendFrame: (frame) => channel().acknowledge(frame.byteLength - 1),
    sendMessage: () => undefined,
  };
}

async function openChannel(attached: boolean): Promise<{ channel: TerminalChannel; shell: FakeTerminalProcess }> {
  const shell = new FakeTerminalProcess();
  const channel = new TerminalChannel({ channel: 0, node: 'node1', size: SIZE, openShell: async () => shell });
  // The shell is handed over, and subscribed to, a turn after construction.
  await new Promise((resolve) => setImmediate(resolve));
  if (attached) await channel.attach(instantViewer(() => channel));
  return { channel, shell };
}

async function measure(load: Load): Promise<LoadFigures> {
  const opened = await Promise.all(Array.from({ length: load.shells }, () => openChannel(load.attached)));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const producers = opened.map(({ shell }) => load.produce(shell));
  await new Promise((resolve) => setTimeout(resolve, load.seconds * 1000));
  for (const producer of producers) producer.stop();
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - started) / 1000;
  const bytes = producers.reduce((sum, producer) => sum + producer.produced(), 0);
  for (const { channel } of opened) channel.dispose();
  return { cpuPerSecond: round((used.user + used.system) / 1e6 / wall, 3), MBps: round(bytes / 1e6 / wall, 2) };
}

/** One 100-byte line every `everyMs`, as its own chunk. */
function trickle(everyMs: number) {
  return (shell: FakeTerminalProcess) => {
    let produced = 0;
    const timer = setInterval(() => {
      produced += LINE.byteLength;
      shell.emit(LINE);
    }, everyMs);
    return { stop: () => clearInterval(timer), produced: () => produced };
  };
}

const flood = (shell: FakeTerminalProcess) => shell.flood(FLOOD_CHUNK);

/** The median of `runs` measurements of `load` (by CPU), so one disturbed run does not decide. */
async function median(load: Load, runs: number): Promise<LoadFigures> {
  const results: LoadFigures[] = [];
  for (let run = 0; run < runs; run++) results.push(await measure(load));
  results.sort((a, b) => a.cpuPerSecond - b.cpuPerSecond);
  return results[Math.floor(results.length / 2)]!;
}

export async function detachedShellCost(runs = 3) {
  const trickleLoad = { shells: 50, seconds: 3, produce: trickle(10) };
  const floodLoad = { shells: 1, seconds: 3, produce: flood };
  return {
    trickle: {
      load: '50 shells, a 100-byte line every 10 ms each (500 KB/s in 5,000 chunks/s)',
      attached: await median({ ...trickleLoad, attached: true }, runs),
      detached: await median({ ...trickleLoad, attached: false }, runs),
    },
    flood: {
      load: 'one shell writing 4 KiB chunks as fast as it is let',
      attached: await median({ ...floodLoad, attached: true }, runs),
      detached: await median({ ...floodLoad, attached: false }, runs),
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await detachedShellCost();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
