import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createIdentity } from './http/identity';
import { createLog } from './log';

function capture(level: Parameters<typeof createLog>[0] = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, ...createLog(level, destination) };
}

describe('the log', () => {
  it('writes JSON lines with the learner key and request id', () => {
    const { lines, log } = capture();
    log('sandbox ready', { learner: 'abcd1234', request: 'r1' });
    expect(lines).toEqual([expect.objectContaining({ msg: 'sandbox ready', learner: 'abcd1234', request: 'r1', level: 30 })]);
  });
  it('never writes a token, in a message or a cookie field', () => {
    const { lines, log, logger } = capture();
    const token = createIdentity(Buffer.alloc(32, 1)).issue();
    log(`request failed for ${token} with slipway_learner=${token}`);
    logger.info({ headers: { cookie: `slipway_learner=${token}` } }, 'headers');
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(lines[0]!.msg).toBe('request failed for [token] with [token]');
  });
  it('never writes the trainer\'s token, from the dashboard link, its cookie or a bearer header', () => {
    const { lines, log } = capture();
    const token = 'a-trainer-token-of-enough-length';
    log(`GET /trainer?token=${token} 303`);
    log(`cookie slipway_trainer=${token}; authorization Bearer ${token}`);
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(lines[0]!.msg).toBe('GET /trainer[token] 303');
  });
    it('keeps lines below its level out', () => {
    const { lines, log } = capture('warn');
    log('chatty', { level: 'debug' });
    log('routine');
    log('bad', { level: 'error' });
    expect(lines.map((line) => line.msg)).toEqual(['bad']);
  });
});
