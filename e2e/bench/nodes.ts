/**
 * A session of several nodes, timed over the WebSocket protocol itself (no page: what is
 * measured is the server and the engine): from connecting until every node's shell shows
 * its prompt. node1 comes from the pool when there is one; the others start on `node-add`,
 * sent as soon as the sandbox is ready, as a lesson with `nodes: 3` starts them.
 */
import WebSocket from 'ws';
import { decodeTerminalFrame, nodeName, parseServerMessage } from '../../server/protocol';

export interface SessionStart {
  /** Connecting until every node's prompt was on its channel. */
  ms: number;
  /** Connecting until `sandbox ready` (node1 exists). */
  readyMs: number;
  /** Per node: connecting until its prompt. */
  promptMs: Record<string, number>;
}

const TIMEOUT_MS = 180_000;

export async function learnerCookie(url: string): Promise<string> {
  const response = await fetch(url);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`${url} set no learner cookie`);
  return cookie;
}

/** Opens a session of `nodes` nodes for a new learner; resolves once every prompt showed. */
export async function startSession(url: string, nodes: number): Promise<SessionStart & { close: () => void }> {
  const cookie = await learnerCookie(url);
  const start = performance.now();
  const since = () => Math.round(performance.now() - start);
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { Cookie: cookie, Origin: url } });
  const screens = new Map<number, string>();
  const promptMs: Record<string, number> = {};
  let readyMs = 0;
  const decoder = new TextDecoder();

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${nodes} prompts within ${TIMEOUT_MS / 1000} s: ${JSON.stringify(promptMs)}`)), TIMEOUT_MS);
    const done = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    socket.on('error', done);
    socket.on('close', (code, reason) => done(new Error(`socket closed (${code} ${reason.toString()})`)));
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const frame = decodeTerminalFrame(data);
        if (!frame) return;
        const name = nodeName(frame.channel + 1);
        const screen = (screens.get(frame.channel) ?? '') + decoder.decode(frame.data);
        screens.set(frame.channel, screen.slice(-4096));
        if (promptMs[name] === undefined && screen.includes(`root@${name}`)) {
          promptMs[name] = since();
          if (Object.keys(promptMs).length === nodes) done();
        }
        return;
      }
      const parsed = parseServerMessage(data.toString('utf8'));
      if (!parsed.ok) return done(new Error(`unexpected message: ${parsed.error}`));
      const message = parsed.message;
      if (message.type === 'sandbox' && message.state === 'ready') {
        readyMs = since();
        for (let added = 1; added < nodes; added++) socket.send(JSON.stringify({ type: 'node-add' }));
      }
      if (message.type === 'sandbox' && (message.state === 'failed' || message.state === 'full')) done(new Error(`sandbox ${message.state}`));
      if (message.type === 'error' && message.code !== 'INVALID_MESSAGE') done(new Error(message.message));
    });
  });
  return { ms: Math.max(...Object.values(promptMs)), readyMs, promptMs, close: () => socket.close() };
}
