/**
 * Follows one engine's `/events` (the I/O half of events.ts): the one subscription each node
 * has, which its follower (follower.ts) holds.
 */
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import type { Disposable } from '../common/disposable';
import { INNER_ENGINE_LIMITS, reportMisbehaviour } from '../session/bounded-engine';
import { EngineEvent } from './events';

/**
 * Subscribes, then passes each well-formed message to `onEvent`. `onEnd` is called once, when
 * the stream ends or breaks; never after `dispose`. Rejects when the engine cannot subscribe.
 * A line longer than MAX_EVENT_LINE_BYTES ends the stream (and is reported), so an endless
 * line cannot grow in memory.
 */
export async function followEngineEvents(
  engine: Docker,
  onEvent: (event: EngineEvent) => void,
  onEnd: () => void,
  maxLineBytes = INNER_ENGINE_LIMITS.MAX_EVENT_LINE_BYTES,
): Promise<Disposable> {
  const stream = await engine.getEvents({});
  let open = true;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += decoder.write(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseEvent(line);
      if (event && open) onEvent(event);
    }
    if (pending.length > maxLineBytes) {
      reportMisbehaviour(engine, `the engine sent an event line over ${maxLineBytes / 1024} KiB`);
      destroyStream(stream);
      end();
    }
  });
  const end = () => {
    if (!open) return;
    open = false;
    onEnd();
  };
  stream.on('end', end);
  stream.on('close', end);
  stream.on('error', end);
  return {
    dispose: () => {
      open = false;
      destroyStream(stream);
    },
  };
}

function parseEvent(line: string): EngineEvent | undefined {
  if (!line.trim()) return undefined;
  try {
    const event = EngineEvent.safeParse(JSON.parse(line));
    return event.success ? event.data : undefined;
  } catch {
    return undefined;
  }
}

/** dockerode types its streams as plain readables, without `destroy`. */
export function destroyStream(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
