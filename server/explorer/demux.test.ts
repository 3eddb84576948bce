import { describe, expect, it } from 'vitest';
import { Demuxer, FrameTooLarge } from './demux';

const frame = (type: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('Demuxer', () => {
  it('joins stdout and stderr frames, across chunk boundaries', () => {
    const bytes = Buffer.concat([frame(1, 'hello '), frame(2, 'world\n')]);
    const demuxer = new Demuxer(1024);
    const out = [...demuxer.push(bytes.subarray(0, 5)), ...demuxer.push(bytes.subarray(5, 17)), ...demuxer.push(bytes.subarray(17))];
    expect(Buffer.concat(out).toString()).toBe('hello world\n');
  });
  it('refuses a frame declared larger than its cap, before buffering it', () => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(0xffff_ffff, 4);
    expect(() => new Demuxer(1024).push(header)).toThrow(FrameTooLarge);
  });
});
