/**
 * Slipway's HTTP app on a loopback port, for tests: a stand-in sandbox manager whose
 * sandboxes never become ready (nothing here needs an engine), a temporary state
 * directory and web root, and raw HTTP for requests `fetch` would refuse to send.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config';
import { createApp, type ApiRoute, type AppOptions } from '../http/app';
import type { SandboxManager } from '../sandbox/manager';

export interface TestApp {
  base: string;
  port: number;
  /** The preview port, when SLIPWAY_PREVIEW_PORT was given. */
  previewPort?: number;
  lines: string[];
  close(): Promise<void>;
}

export async function startTestApp(
  env: Record<string, string> = {},
  routes: readonly ApiRoute[] = [],
  manager: SandboxManager = idleManager(),
  { webRoot = testWebRoot(), trainer }: { webRoot?: string; trainer?: AppOptions['trainer'] } = {},
): Promise<TestApp> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'slipway-app-'));
  const config = loadConfig({ SLIPWAY_STATE_DIR: stateDir, HOST: '127.0.0.1', PORT: '8080', ...env });
  const lines: string[] = [];
  const app = createApp({ config, manager, routes, log: (line, context) => lines.push(context?.request ? `[${context.request}] ${line}` : line), webRoot, trainer });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const port = (app.server.address() as AddressInfo).port;
  if (app.previewServer) await new Promise<void>((resolve) => app.previewServer!.listen(config.previewPort, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${port}`, port, previewPort: config.previewPort, lines, close: () => app.close() };
}

/** A web root holding only a page, as the build's dist/web would. */
export function testWebRoot(): string {
  const webRoot = mkdtempSync(path.join(tmpdir(), 'slipway-web-'));
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Slipway</title>');
  return webRoot;
}

/** A port nothing listens on now, for a server that needs its port number up front. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A sandbox manager whose sandboxes never become ready: sockets get `welcome`, then wait. */
export function idleManager(): SandboxManager {
  return {
    counts: { learners: 0 },
    sandboxOf: () => undefined,
    nodesOf: () => [],
    reservationOf: () => undefined,
    takeEnded: () => undefined,
    endingIn: () => undefined,
    viewerAttached: () => undefined,
    viewerDetached: () => undefined,
    acquire: () => new Promise(() => undefined),
    reset: () => new Promise(() => undefined),
  } as unknown as SandboxManager;
}

/** Sends `text` as it is and resolves with the whole answer, once the server closes or `until` matches. */
export function rawRequest(port: number, text: string | Buffer, until = /\r\n\r\n[\s\S]*\}$/): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (until.test(answer)) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(answer) : reject(error)));
    socket.write(text);
  });
}

/** The status code of a raw answer, 0 for none. */
export const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
