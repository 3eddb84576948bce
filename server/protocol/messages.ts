/**
 * The wire protocol between the browser and the server, shared by both sides.
 *
 * One WebSocket per learner, at WS_PATH. Two kinds of frame:
 * - binary: terminal bytes. Byte 0 is the channel (one per terminal), the rest is the data:
 *   keystrokes from the browser, shell output from the server.
 * - text: one JSON control message, validated on arrival against the schemas below.
 *
 * docs/ARCHITECTURE.md documents every message type; a test checks that it does.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { ErrorCode } from './errors';
import { DetailsView, ExplorerDiffMessage, ExplorerMessage, ObjectKind } from './explorer';
import {
  CheckNowMessage,
  LessonPrepareMessage,
  LessonResetMessage,
  LessonSelectMessage,
  LessonStartMessage,
  ProgressMessage,
  QuizAnswerMessage,
  VerdictsMessage,
} from './lessons';
import { Locale } from './locale';
import { NodeAddMessage, NodeRemoveMessage, NodesMessage } from './nodes';
import {
  BroadcastMessage,
  HelpMessage,
  HelpRequestMessage,
  LessonRevealMessage,
  TakeoverAnswerMessage,
  TakeoverEndMessage,
  TakeoverMessage,
  TrainerClientMessage,
  TrainerServerMessage,
  WorkshopJoinMessage,
  WorkshopMessage,
} from './workshops';

export const PROTOCOL_VERSION = 1;
export const WS_PATH = '/ws';
/**
 * The learner socket's query parameter carrying a join link's code: a first-time participant's
 * sandbox then comes from that workshop's ready sessions rather than being traded at joining.
 */
export const WS_JOIN_PARAM = 'join';
/** The largest control message or terminal frame the server accepts from a browser. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

const channel = lazySchema(() => z.number().int().min(0).max(255));

// ---- browser -> server -----------------------------------------------------------------

export const ClientMessage = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('resize'),
      channel,
      cols: z.number().int().min(2).max(1000),
      rows: z.number().int().min(1).max(500),
    }),
    z.object({ type: z.literal('ack'), channel, bytes: z.number().int().positive() }),
    z.object({ type: z.literal('restart-shell'), channel }),
    z.object({ type: z.literal('reset-sandbox') }),
    // the page's language, sent after each welcome and whenever the learner switches: every text
    // the server writes for this learner (reasons, progress, summaries) is worded in it from then on
    z.object({ type: z.literal('locale'), locale: Locale }),
    // nodes: start one more node, remove one (never node1)
    NodeAddMessage,
    NodeRemoveMessage,
    // explorer: a readable summary of one object, and following a container's logs
    z.object({ type: z.literal('explorer-details'), node: z.string(), kind: ObjectKind, id: z.string().min(1).max(256) }),
    z.object({ type: z.literal('logs-follow'), node: z.string(), container: z.string().min(1).max(256) }),
    z.object({ type: z.literal('logs-stop') }),
    // lessons: which step to check, check it now, forget a lesson's progress, answer a quiz,
    // bring the nodes to the state the lesson starts from
    LessonSelectMessage,
    CheckNowMessage,
    LessonResetMessage,
    QuizAnswerMessage,
    LessonPrepareMessage,
    // workshops: join one, raise a hand, answer or end a take-over, count a revealed hint
    WorkshopJoinMessage,
    HelpRequestMessage,
    TakeoverAnswerMessage,
    TakeoverEndMessage,
    LessonRevealMessage,
  ]),
);
export type ClientMessage = z.infer<typeof ClientMessage>;

// ---- server -> browser -----------------------------------------------------------------

export const SandboxState = lazySchema(() => z.enum(['starting', 'ready', 'resetting', 'failed', 'expired', 'full']));
export type SandboxState = z.infer<typeof SandboxState>;

export const ServerMessage = lazySchema(() =>
  z.discriminatedUnion('type', [
    // isolated: false when the engine runs sandboxes without user namespaces (an operator's opt-in).
    z.object({ type: z.literal('welcome'), protocol: z.literal(PROTOCOL_VERSION), learner: z.string(), isolated: z.boolean() }),
    z.object({
      type: z.literal('sandbox'),
      state: SandboxState,
      /** What is happening now, in words a learner understands. */
      detail: z.string().optional(),
      /** Whether the sandbox came ready-made from the warm pool. */
      warm: z.boolean().optional(),
      /**
       * Why it stopped or could not start (`expired`: idleness or the lifetime; `failed`, `full`):
       * the page words it from the code, in the learner's language.
       */
      reason: ErrorCode.optional(),
    }),
    // the session reaches its maximum lifetime in `inMs`: its sandbox is then removed
    z.object({ type: z.literal('session-ending'), inMs: z.number().int().nonnegative() }),
    // a trainer extended the session: it now ends at `endsAt` (ms since epoch), and no warning stands
    z.object({ type: z.literal('session-extended'), endsAt: z.number().int().nonnegative() }),
    // something the learner should know that asks nothing of them (their sandbox was reclaimed)
    z.object({ type: z.literal('notice'), code: ErrorCode, message: z.string() }),
    z.object({
      type: z.literal('terminal'),
      channel,
      node: z.string(),
      /** `attached`: reset the screen, the replay follows as binary frames. */
      event: z.enum(['attached', 'exited']),
      exitCode: z.number().int().nullable().optional(),
    }),
    z.object({ type: z.literal('error'), code: ErrorCode, message: z.string() }),
    // nodes: the session's nodes and their terminal channels, whenever they change
    NodesMessage,
    // explorer: the whole view (on attach and whenever it settles), what a command changed,
    // one object's summary, and followed log output
    ExplorerMessage,
    ExplorerDiffMessage,
    z.object({ type: z.literal('details'), details: DetailsView }),
    z.object({
      type: z.literal('logs'),
      node: z.string(),
      container: z.string(),
      data: z.string(),
      /** The log stream ended (the container was removed, or logs-stop). */
      ended: z.boolean().optional(),
    }),
    // lessons: the selected step's live verdicts, progress when a step completes or a quiz is
    // answered, and what stands between the session and the opened lesson's start state
    VerdictsMessage,
    ProgressMessage,
    LessonStartMessage,
    // workshops: the participant's workshop, the trainer's banner, the raised hand, a take-over
    WorkshopMessage,
    BroadcastMessage,
    HelpMessage,
    TakeoverMessage,
  ]),
);
export type ServerMessage = z.infer<typeof ServerMessage>;

export type MessageType = ClientMessage['type'] | ServerMessage['type'];

// ---- parsing and framing -----------------------------------------------------------------

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parseJson<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid message'}` };
}

export const parseClientMessage = (text: string) => parseJson(ClientMessage, text);
export const parseServerMessage = (text: string) => parseJson(ServerMessage, text);
export const parseTrainerClientMessage = (text: string) => parseJson(TrainerClientMessage, text);
export const parseTrainerServerMessage = (text: string) => parseJson(TrainerServerMessage, text);

export function encodeTerminalFrame(channelId: number, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(data.byteLength + 1);
  frame[0] = channelId;
  frame.set(data, 1);
  return frame;
}

export function decodeTerminalFrame(frame: Uint8Array): { channel: number; data: Uint8Array } | null {
  if (frame.byteLength < 1) return null;
  return { channel: frame[0]!, data: frame.subarray(1) };
}
