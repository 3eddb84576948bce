/**
 * The trainers' sockets (TRAINER_WS_PATH): each one a TrainerSink of the workshops. Text
 * frames carry TrainerClientMessage / TrainerServerMessage; binary frames carry the watched
 * participant's terminal output (byte 0 the channel), as on a learner's socket. A trainer's
 * keystrokes in a take-over are text messages, so they name the participant.
 */
import type { WebSocket } from 'ws';
import { ERRORS, encodeTerminalFrame, parseTrainerClientMessage, type TrainerServerMessage } from '../protocol';
import type { Log } from '../log';
import type { TrainerSink, Workshops } from '../workshops/workshops';
import { SOCKET_QUEUE, StuckWatch, closeTooSlow, type SocketQueueLimits } from './stuck-socket';

export class TrainerHub {
  readonly #sockets = new Set<WebSocket>();

  constructor(
    private readonly workshops: Workshops,
    private readonly log: Log,
    private readonly queueLimits: SocketQueueLimits = SOCKET_QUEUE,
  ) {}

  connect(socket: WebSocket): void {
    this.#sockets.add(socket);
    const limits = this.queueLimits;
    const tooSlow = () => closeTooSlow(socket, limits);
    const open = () => socket.readyState === socket.OPEN && (socket.bufferedAmount < limits.MAX_QUEUED_BYTES || (tooSlow(), false));
    const sink: TrainerSink = {
      send: (message: TrainerServerMessage) => void (open() && socket.send(JSON.stringify(message))),
      frame: (channel, data) => void (open() && socket.send(encodeTerminalFrame(channel, data), { binary: true })),
    };
    const watch = new StuckWatch(limits);
    const watching = setInterval(() => {
      if (watch.stuck(socket.bufferedAmount, Date.now())) tooSlow();
    }, limits.CHECK_MS);
    watching.unref();
    this.workshops.trainerConnected(sink);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const parsed = parseTrainerClientMessage((data as Buffer).toString('utf8'));
      if (!parsed.ok) return sink.send({ type: 'trainer-error', code: 'INVALID_MESSAGE', message: `${ERRORS.INVALID_MESSAGE.message} (${parsed.error})` });
      try {
        this.workshops.trainerMessage(sink, parsed.message);
      } catch (error) {
        this.log(`trainer message ${parsed.message.type}: ${(error as Error).message}`, { level: 'warn' });
        sink.send({ type: 'trainer-error', code: 'INTERNAL_ERROR', message: ERRORS.INTERNAL_ERROR.message });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(watching);
      this.#sockets.delete(socket);
      this.workshops.trainerClosed(sink);
    });
  }

  closeAll(): void {
    for (const socket of this.#sockets) socket.close(ERRORS.SHUTTING_DOWN.close, 'SHUTTING_DOWN');
  }
}
