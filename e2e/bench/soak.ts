/**
 * The soak (`npm run bench`, section `soak`): SLIPWAY_SOAK_LEARNERS well-behaved learners
 * (30) for SLIPWAY_SOAK_MINUTES (5) over the WebSocket protocol itself, as nodes.ts opens
 * them: each types a letter every 200-300 ms and waits for its echo, and every 30 s or so runs
 * `docker run --rm busybox echo …`. Beside them, one hostile client per probe of the fuzz
 * tests (server/testing/fuzz.ts): malformed HTTP requests, malformed frames and control
 * messages, a client that floods and never reads (cut as TOO_SLOW, then back), and a page on
 * a foreign host name. Figures: errors (expected 0), the server's RSS and CPU over time, and
 * the well-behaved learners' echo.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { parseServerMessage } from '../../server/protocol';
import { answered, malformedFrames, malformedRequests, rebindingRequests, seeded, type Random } from '../../server/testing/fuzz';
import { rawRequest, statusOf } from '../../server/testing/http-app';
import { Errors, Learner, sampleServer } from './clients';
import { learnerCookie } from './nodes';
import { round, summarize, summarizeSamples } from './stats';

export const SOAK = {
  learners: Number(process.env.SLIPWAY_SOAK_LEARNERS ?? 30),
  minutes: Number(process.env.SLIPWAY_SOAK_MINUTES ?? 5),
};
/** Sandboxes the soak holds beyond its learners: the hostile clients' (frames, flood, engine). */
export const SOAK_EXTRA_SANDBOXES = 3;

/** Learners arrive a few at a time, as a workshop's do; the soak's clock starts once all are in. */
const ARRIVING_AT_ONCE = 4;
const KEY_EVERY_MS = 200;
const ECHO_TIMEOUT_MS = 5000;
const COMMAND_EVERY_MS = 30_000;
const COMMAND_TIMEOUT_MS = 120_000;
/** The flooding client floods this long at most before it must have been cut. */
const FLOOD_MS = 30_000;
const FLOOD_PAUSE_MS = 10_000;

interface LearnerFigures {
  echoMs: number[];
  commandMs: number[];
}

/** Types and runs containers until `deadline`, as a learner at work. */
async function work(learner: Learner, name: string, deadline: number, r: Random, figures: LearnerFigures, errors: Errors) {
  let nextCommand = Date.now() + r.int(COMMAND_EVERY_MS);
  for (let typed = 0, commands = 0; Date.now() < deadline; ) {
    if (typed % 40 === 0 || Date.now() >= nextCommand) {
      // Ctrl-U: an empty line again, and its redraw out of the way of the next echo.
      learner.type('\x15');
      await sleep(100);
    }
    if (Date.now() >= nextCommand) {
      const id = `${name}x${commands++}`;
      // The typed line holds neither `soak_…_42` nor `rc_…_<digits>`: only running it prints them.
      const exitCode = new RegExp(`rc_${id}_(\\d+)`);
      const done = learner.waitFor(exitCode, COMMAND_TIMEOUT_MS);
      const echoed = learner.waitFor(`soak_${id}_42`, COMMAND_TIMEOUT_MS);
      learner.type(`docker run --rm busybox echo soak_${id}_$((6*7)); echo rc_${id}_$?\r`);
      try {
        const [{ ms, seen }] = await Promise.all([done, echoed]);
        const code = exitCode.exec(seen)![1];
        if (code === '0') figures.commandMs.push(ms);
        else errors.record('command', `${name}: docker run exited ${code}`);
      } catch (error) {
        errors.record('command', `${name}: ${(error as Error).message}`);
      }
      nextCommand = Date.now() + COMMAND_EVERY_MS / 2 + r.int(COMMAND_EVERY_MS);
      continue;
    }
    const letter = String.fromCharCode(97 + (typed++ % 26));
    const echo = learner.waitFor(letter, ECHO_TIMEOUT_MS);
    learner.type(letter);
    try {
      figures.echoMs.push((await echo).ms);
    } catch (error) {
      errors.record('echo', `${name}: ${(error as Error).message}`);
    }
    await sleep(KEY_EVERY_MS + r.int(100));
  }
}

/** Malformed requests, 25 at a time every second: each must be answered with a 4xx. */
async function malformedHttp(port: number, deadline: number, r: Random, errors: Errors) {
  const statuses: Record<number, number> = {};
  let requests = 0;
  while (Date.now() < deadline) {
    for (const status of await Promise.all(malformedRequests(r, port, 25).map((text) => answered(port, text)))) {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 0 || status >= 500) errors.record('http', `answered ${status || 'nothing'}`);
    }
    requests += 25;
    await sleep(1000);
  }
  return { requests, statuses };
}

/** A learner's socket sending malformed frames and messages, 50 every half second: each must get INVALID_MESSAGE. */
async function badFrames(url: string, deadline: number, r: Random, errors: Errors) {
  const cookie = await learnerCookie(url);
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { Cookie: cookie, Origin: url } });
  let answers = 0;
  let leaving = false;
  socket.on('message', (data: Buffer, isBinary) => {
    if (isBinary) return;
    const parsed = parseServerMessage(data.toString('utf8'));
    if (parsed.ok && parsed.message.type === 'error') {
      if (parsed.message.code === 'INVALID_MESSAGE') answers += 1;
      else errors.record('bad-frames', `answered ${parsed.message.code}`);
    }
  });
  socket.on('error', (error) => errors.record('bad-frames', error.message));
  socket.on('close', (code) => {
    if (!leaving) errors.record('bad-frames', `socket closed (${code})`);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let sent = 0;
  while (Date.now() < deadline && socket.readyState === WebSocket.OPEN) {
    for (let i = 0; i < 50; i += 1, sent += 1) socket.send(sent % 10 === 0 ? Buffer.alloc(0) : r.pick(malformedFrames));
    await sleep(500);
  }
  for (let waited = 0; answers < sent && waited < 15_000; waited += 100) await sleep(100);
  if (answers < sent) errors.record('bad-frames', `${sent - answers} of ${sent} unanswered`);
  leaving = true;
  socket.close();
  return { frames: sent, answered: answers };
}

/**
 * A client that stops reading and floods (huge acks, invalid messages that each get an error):
 * the server must cut it (TOO_SLOW); it comes back after a pause and does it again.
 */
async function flood(url: string, deadline: number, errors: Errors) {
  const cookie = await learnerCookie(url);
  const cutAfterMs: number[] = [];
  const huge = JSON.stringify({ type: 'ack', channel: 0, bytes: Number.MAX_SAFE_INTEGER });
  const invalid = JSON.stringify({ type: 'resize', channel: 0, cols: 1, rows: 1, pad: 'x'.repeat(2000) });
  while (Date.now() + FLOOD_MS < deadline) {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { Cookie: cookie, Origin: url } });
    socket.on('error', () => undefined);
    let closed = false;
    const closing = new Promise((resolve) => socket.once('close', () => resolve((closed = true))));
    const welcomed = await Promise.race([new Promise((resolve) => socket.once('message', () => resolve(true))), sleep(FLOOD_MS, false)]);
    if (!welcomed) {
      errors.record('flood', 'no welcome');
      socket.terminate();
      continue;
    }
    const raw = (socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    const started = performance.now();
    while (!closed && performance.now() - started < FLOOD_MS) {
      for (let i = 0; i < 100 && socket.readyState === WebSocket.OPEN; i += 1) {
        socket.send(huge);
        socket.send(invalid);
      }
      // A pause between bursts: flooding back to back took the whole of this process (the
      // learners' own), so their echoes were late on the client's side, not the server's.
      await sleep(5);
    }
    // What the server sent last (its close, if any) is read now.
    raw.resume();
    await Promise.race([closing, sleep(15_000)]);
    if (closed) cutAfterMs.push(round(performance.now() - started, 0));
    else {
      errors.record('flood', `not cut after ${FLOOD_MS / 1000} s of flooding`);
      socket.terminate();
    }
    await sleep(FLOOD_PAUSE_MS);
  }
  return { rounds: cutAfterMs.length, cutAfterMs: cutAfterMs.length > 0 ? summarize(cutAfterMs, 0) : undefined };
}

/**
 * A learner who replaces their engine with a program of their own on the port Slipway reads:
 * every connection gets an answer that never ends, with no line break in it. The node must be
 * marked degraded on the learner's page, while everyone else goes on.
 */
const ENDLESS_ENGINE = [
  'systemctl stop docker >/dev/null 2>&1',
  `addr=$(ip -4 -o addr show dev eth0 | awk '{ split($4, a, "/"); print a[1]; exit }')`,
  `(perl -MIO::Socket::INET -e '$SIG{CHLD} = "IGNORE"; my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => 2375, Listen => 64, ReuseAddr => 1) or die; while (my $c = $s->accept) { next if fork; print $c "HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\n\\r\\n"; my $x = "x" x 65536; 1 while print $c $x; exit }' "$addr" >/dev/null 2>&1 &)`,
  'echo hostile_engine_$((6*7))',
].join('; ');
const DEGRADED_WITHIN_MS = 120_000;

async function endlessEngine(url: string, deadline: number, errors: Errors) {
  const learner = await Learner.open(url, 'hostile-engine', errors);
  const degraded = new Promise<string>((resolve) => {
    learner.controls.add((message) => {
      const reason = message.type === 'nodes' ? message.nodes.find((node) => node.name === 'node1')?.degraded : undefined;
      if (reason) resolve(reason);
    });
  });
  const started = performance.now();
  const running = learner.waitFor('hostile_engine_42', COMMAND_TIMEOUT_MS);
  learner.type(`${ENDLESS_ENGINE}\r`);
  await running.catch((error: Error) => errors.record('hostile-engine', `its program did not start: ${error.message}`));
  const reason = await Promise.race([degraded, sleep(DEGRADED_WITHIN_MS, undefined)]);
  const degradedAfterMs = reason === undefined ? undefined : round(performance.now() - started, 0);
  if (reason === undefined) errors.record('hostile-engine', `node1 not marked degraded within ${DEGRADED_WITHIN_MS / 1000} s`);
  await sleep(Math.max(0, deadline - Date.now()));
  learner.leave();
  return { degradedAfterMs, reason };
}

/** A page on a foreign host name, every 2 s: its page request and its socket upgrade must get 421. */
async function foreignHost(url: string, port: number, deadline: number, errors: Errors) {
  const rebinding = rebindingRequests(port, await learnerCookie(url));
  let tries = 0;
  while (Date.now() < deadline) {
    for (const text of [rebinding.page, rebinding.upgrade]) {
      const status = statusOf(await rawRequest(port, text));
      if (status !== 421) errors.record('foreign-host', `answered ${status || 'nothing'}`);
    }
    tries += 1;
    await sleep(2000);
  }
  return { tries, eachRefused: '421 expected for the page and the upgrade' };
}

export async function soak(url: string, port: number, pid: number, log: (line: string) => void, options = SOAK) {
  const errors = new Errors();
  const r = seeded(20_261_210);
  log(`soak: ${options.learners} learners arriving, ${ARRIVING_AT_ONCE} at a time`);
  const learners: Array<{ index: number; learner: Learner }> = [];
  const openMs: number[] = [];
  for (let first = 0; first < options.learners; first += ARRIVING_AT_ONCE) {
    const arriving = Array.from({ length: Math.min(ARRIVING_AT_ONCE, options.learners - first) }, (_, offset) => first + offset);
    await Promise.all(
      arriving.map(async (index) => {
        const name = `l${index}`;
        const started = performance.now();
        try {
          learners.push({ index, learner: await Learner.open(url, name, errors) });
          openMs.push(performance.now() - started);
        } catch (error) {
          errors.record('open', `${name}: ${(error as Error).message}`);
        }
      }),
    );
  }
  log(`soak: ${learners.length} learners in; ${options.minutes} min of work beside the hostile clients`);
  const deadline = Date.now() + options.minutes * 60_000;
  const figures: LearnerFigures = { echoMs: [], commandMs: [] };
  const [samples, http, frames, flooding, rebinding, engine] = await Promise.all([
    sampleServer(url, pid, AbortSignal.timeout(Math.max(0, deadline - Date.now())), errors),
    malformedHttp(port, deadline, r, errors),
    badFrames(url, deadline, r, errors),
    flood(url, deadline, errors),
    foreignHost(url, port, deadline, errors),
    endlessEngine(url, deadline, errors),
    ...learners.map(({ index, learner }) => work(learner, `l${index}`, deadline, seeded(1000 + index), figures, errors)),
  ]);
  for (const { learner } of learners) learner.leave();
  const server = summarizeSamples(samples);
  log(`soak: ${errors.total} error(s); echo p95 ${summarize(figures.echoMs, 2).p95} ms; server RSS max ${server.rssMiB.max} MiB, CPU mean ${server.cpuCores.mean}`);
  return {
    learners: options.learners,
    minutes: options.minutes,
    errors: { total: errors.total, byKind: errors.byKind, first: errors.first },
    learnerOpenMs: summarize(openMs, 0),
    echoMs: summarize(figures.echoMs, 2),
    containerRunMs: summarize(figures.commandMs, 0),
    server: { ...server, series: samples.map((sample) => [round(sample.at, 0), sample.rssMiB, round(sample.cpuSeconds, 2)]) },
    hostile: { malformedHttp: http, badFrames: frames, flood: flooding, foreignHost: rebinding, endlessEngine: engine },
  };
}
