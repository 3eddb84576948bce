import { describe, expect, it } from 'vitest';
import { FlowController } from './flow-control';
import { decodeTerminalFrame, encodeTerminalFrame, parseClientMessage, parseServerMessage, parseTrainerClientMessage } from './messages';

describe('parseClientMessage', () => {
  it('accepts each well-formed message', () => {
    for (const message of [
      { type: 'resize', channel: 0, cols: 120, rows: 40 },
      { type: 'ack', channel: 0, bytes: 16384 },
      { type: 'restart-shell', channel: 0 },
      { type: 'reset-sandbox' },
      { type: 'locale', locale: 'zh' },
      { type: 'lesson-select', lessonId: 'first', stepId: 'ps', locale: 'en' },
    ]) {
      expect(parseClientMessage(JSON.stringify(message))).toEqual({ ok: true, message });
    }
  });

  it('names what is wrong', () => {
    expect(parseClientMessage('{')).toEqual({ ok: false, error: 'not valid JSON' });
    const badSize = parseClientMessage(JSON.stringify({ type: 'resize', channel: 0, cols: 1, rows: 40 }));
    expect(badSize.ok === false && badSize.error).toMatch(/^cols: /);
    const unknown = parseClientMessage(JSON.stringify({ type: 'format-disk' }));
    expect(unknown.ok === false && unknown.error).toMatch(/^type: /);
    const badChannel = parseClientMessage(JSON.stringify({ type: 'ack', channel: 300, bytes: 1 }));
    expect(badChannel.ok === false && badChannel.error).toMatch(/^channel: /);
    const badLocale = parseClientMessage(JSON.stringify({ type: 'locale', locale: 'fr' }));
    expect(badLocale.ok === false && badLocale.error).toMatch(/^locale: /);
  });

  it('rejects JSON that is not an object', () => {
    expect(parseClientMessage('null').ok).toBe(false);
    expect(parseClientMessage('[1,2]').ok).toBe(false);
  });
});

describe('parseServerMessage', () => {
  it('accepts sandbox states and errors from the catalog only', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'sandbox', state: 'ready' })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ type: 'error', code: 'NOT_A_CODE', message: 'x' })).ok).toBe(false);
  });

  it('accepts an extended session’s new end as a time', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'session-extended', endsAt: 1_800_000_000_000 })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ type: 'session-extended', endsAt: 'later' })).ok).toBe(false);
  });

  it('accepts verdicts with and without a subject', () => {
    const verdicts = (subject?: unknown) =>
      JSON.stringify({ type: 'verdicts', lessonId: 'l', stepId: 's', complete: false, verdicts: [{ title: 't', passed: false, reason: 'r', ...(subject ? { subject } : {}) }] });
    expect(parseServerMessage(verdicts()).ok).toBe(true);
    expect(parseServerMessage(verdicts({ kind: 'container', name: 'web' })).ok).toBe(true);
    expect(parseServerMessage(verdicts({ kind: 'file', name: '/etc/hosts' })).ok).toBe(false);
  });
});

describe('parseTrainerClientMessage', () => {
  const ref = { workshopId: 'w0rkshop-1', participant: 'part1cipant' };
  it('accepts an extension of one participant, as long as a workshop’s', () => {
    for (const minutes of [1, 15, 24 * 60]) {
      const message = { type: 'participant-extend', ...ref, minutes };
      expect(parseTrainerClientMessage(JSON.stringify(message))).toEqual({ ok: true, message });
    }
  });
  it('refuses an extension of no time, too long, in fractions, or of no one', () => {
    for (const minutes of [0, -15, 24 * 60 + 1, 1.5]) {
      const parsed = parseTrainerClientMessage(JSON.stringify({ type: 'participant-extend', ...ref, minutes }));
      expect(parsed.ok === false && parsed.error).toMatch(/^minutes: /);
    }
    expect(parseTrainerClientMessage(JSON.stringify({ type: 'participant-extend', workshopId: ref.workshopId, minutes: 15 })).ok).toBe(false);
  });
});

describe('terminal frames', () => {
  it('carry the channel in the first byte', () => {
    const frame = encodeTerminalFrame(3, new TextEncoder().encode('ls\r'));
    expect(frame[0]).toBe(3);
    const decoded = decodeTerminalFrame(frame)!;
    expect(decoded.channel).toBe(3);
    expect(new TextDecoder().decode(decoded.data)).toBe('ls\r');
  });
  it('reject an empty frame', () => {
    expect(decodeTerminalFrame(new Uint8Array())).toBeNull();
  });
});

describe('FlowController', () => {
  it('pauses above the high watermark and resumes below the low one', () => {
    const events: string[] = [];
    const flow = new FlowController(() => events.push('pause'), () => events.push('resume'), 100, 20);
    flow.sent(60);
    flow.sent(60);
    expect(events).toEqual(['pause']);
    flow.sent(500);
    expect(events).toEqual(['pause']);
    flow.acknowledged(600);
    expect(events).toEqual(['pause']);
    flow.acknowledged(10);
    expect(events).toEqual(['pause', 'resume']);
    expect(flow.unacknowledged).toBe(10);
  });
  it('resumes when a new viewer resets it', () => {
    const events: string[] = [];
    const flow = new FlowController(() => events.push('pause'), () => events.push('resume'), 10, 5);
    flow.sent(50);
    flow.reset();
    expect(events).toEqual(['pause', 'resume']);
    expect(flow.paused).toBe(false);
  });
});
