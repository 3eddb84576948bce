/**
 * The engine's multiplexed stream format (logs without a TTY): frames of an 8-byte header
 * (stream type, 3 zero bytes, payload length as uint32 big-endian) and the payload. Pure.
 * Unlike docker-modem's own demuxer it refuses a frame over `maxFrameBytes`: a hostile
 * engine could otherwise declare a 4 GiB frame and have it buffered.
 */
export class FrameTooLarge extends Error {
  override name = 'FrameTooLarge';
}

export class Demuxer {
  #pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number) {}

  /** The payloads completed by this chunk, stdout and stderr alike. */
  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    const payloads: Buffer[] = [];
    while (this.#pending.length >= 8) {
      const length = this.#pending.readUInt32BE(4);
      if (length > this.maxFrameBytes) throw new FrameTooLarge(`a log frame of ${length} bytes (at most ${this.maxFrameBytes})`);
      if (this.#pending.length < 8 + length) break;
      payloads.push(this.#pending.subarray(8, 8 + length));
      this.#pending = this.#pending.subarray(8 + length);
    }
    return payloads;
  }
}
