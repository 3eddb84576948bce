/**
 * A hostile inner engine: a test program listening where a sandbox's engine would, which
 * streams endless answers and lines, or never answers. Each call fails within its limit,
 * the session hears about it, and a well-behaved engine beside it is unaffected.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followEngineEvents } from '../engine-state/event-stream';
import { boundEngine, INNER_ENGINE_LIMITS, InnerEngineMisbehaved } from './bounded-engine';
import { innerEngine } from './inner-engine';

const LIMITS = { ...INNER_ENGINE_LIMITS, REQUEST_TIMEOUT_MS: 400, STREAM_START_TIMEOUT_MS: 400, MAX_BODY_BYTES: 256 * 1024 };
let hostile: Server;
let port: number;
const open = new Set<ServerResponse>();

/** Writes `chunk` for as long as the client reads, the way an endless answer would. */
function endless(response: ServerResponse, chunk: string): void {
  open.add(response);
  const write = () => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once('drain', write);
  };
  response.on('close', () => open.delete(response));
  write();
}

beforeAll(async () => {
  hostile = createServer((request, response) => {
    const path = (request.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0];
    if (path === '/containers/json') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      return endless(response, '[{"Id":"x"},'.repeat(1000));
    }
    if (path === '/containers/broken/json') {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      return endless(response, 'x'.repeat(16 * 1024));
    }
    if (path === '/containers/gone/json') {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      return response.end('{"message":"No such container: gone"}');
    }
    if (path === '/images/json') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      return response.end('[{"Id":"sha256:1"}]');
    }
    if (path === '/events') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      return endless(response, 'y'.repeat(16 * 1024));
    }
    // /info, /networks and anything else: accepted, never answered.
    open.add(response);
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  port = (hostile.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const response of open) response.destroy();
  hostile.closeAllConnections();
  await new Promise((resolve) => hostile.close(resolve));
});

function engine(reports: string[]): Docker {
  return boundEngine(new Docker({ host: '127.0.0.1', port, protocol: 'http' }), (reason) => reports.push(reason), LIMITS);
}

describe('a hostile inner engine', () => {
  it('cannot feed an endless answer: the call fails at the size cap and is reported', async () => {
    const reports: string[] = [];
    const before = process.memoryUsage().rss;
    await expect(engine(reports).listContainers({ all: true })).rejects.toThrow(InnerEngineMisbehaved);
    expect(reports).toEqual([expect.stringMatching(/answer over 0.25 MiB/)]);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('cannot feed an endless error answer either', async () => {
    const reports: string[] = [];
    await expect(engine(reports).getContainer('broken').inspect()).rejects.toThrow(/answer over/);
    expect(reports).toHaveLength(1);
  });

  it('cannot hang a call: it fails at its deadline and is reported', async () => {
    const reports: string[] = [];
    const started = Date.now();
    await expect(engine(reports).info()).rejects.toThrow(/did not answer GET \/info within 0.4 s/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reports).toHaveLength(1);
  });

  it('cannot stream an endless event line: the stream ends, reported', async () => {
    const reports: string[] = [];
    const docker = engine(reports);
    const ended = new Promise<void>((resolve) => {
      void followEngineEvents(docker, () => undefined, resolve, 64 * 1024);
    });
    await ended;
    expect(reports).toEqual([expect.stringMatching(/event line over 64 KiB/)]);
  });

  it('still gets ordinary answers and statuses, as dockerode makes them', async () => {
    const reports: string[] = [];
    const docker = innerEngine('127.0.0.1', (reason) => reports.push(reason), port);
    expect(await docker.listImages()).toEqual([{ Id: 'sha256:1' }]);
    const error = await docker.getContainer('gone').inspect().catch((reason: unknown) => reason);
    expect(error).toMatchObject({ statusCode: 404, message: expect.stringContaining('No such container: gone') });
    expect(reports).toEqual([]);
  });

  it('leaves a well-behaved engine beside it unaffected while it floods', async () => {
    const flooding = engine([]);
    const flood = Promise.allSettled(Array.from({ length: 5 }, () => flooding.listContainers()));
    const calm = innerEngine('127.0.0.1', () => undefined, port);
    expect(await calm.listImages()).toEqual([{ Id: 'sha256:1' }]);
    const results = await flood;
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
  });
});
