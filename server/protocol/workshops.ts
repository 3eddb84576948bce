/**
 * Workshops on the wire: what a participant's page and the server say to each other about
 * the workshop (members of the unions in messages.ts, on the learner's own socket), and the
 * trainer's socket at TRAINER_WS_PATH with its own two unions. Shared by both sides.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { Slug } from './lesson-model';
import { ErrorCode } from './errors';
import { ExplorerUpdate } from './explorer';
import { LocalizedText } from './locale';

export const TRAINER_WS_PATH = '/ws/trainer';
/** Where the printed dashboard link points; `?token=` there sets the trainer cookie. */
export const TRAINER_PAGE_PATH = '/trainer';
/** A join link: `/join/<code>`. */
export const JOIN_PATH = '/join';
/** GET `/api/trainer/workshops/<id>/results.csv` and `.json`. */
export const TRAINER_API = '/api/trainer';

export const JoinCode = lazySchema(() =>
  z
    .string()
    .max(20)
    .transform((text) => text.toUpperCase().replace(/[^A-Z0-9]/g, '')),
);
export const DisplayName = lazySchema(() =>
  z
    .string()
    .transform((text) => text.trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, 'a name is needed').max(40)),
);
export const ParticipantId = lazySchema(() => z.string().regex(/^[A-Za-z0-9_-]{8,24}$/));
export const WorkshopId = lazySchema(() => z.string().regex(/^[A-Za-z0-9_-]{8,24}$/));
const Epoch = lazySchema(() => z.number().int().nonnegative());

export const WorkshopState = lazySchema(() => z.enum(['scheduled', 'running', 'paused', 'ended']));
export type WorkshopState = z.infer<typeof WorkshopState>;

/** What a participant's page knows of its workshop. */
export const WorkshopInfo = lazySchema(() =>
  z.object({
    id: WorkshopId,
    name: z.string(),
    lessons: z.array(Slug),
    startsAt: Epoch,
    endsAt: Epoch,
    state: WorkshopState,
    /** The participant's own display name. */
    participant: z.string(),
    /** The trainer's latest broadcast, shown as a banner until another replaces it. */
    banner: z.string().optional(),
  }),
);
export type WorkshopInfo = z.infer<typeof WorkshopInfo>;

export const TakeoverState = lazySchema(() => z.enum(['requested', 'active', 'ended']));
export type TakeoverState = z.infer<typeof TakeoverState>;

// ---- participant page <-> server (on /ws) ---------------------------------------------------

export const WorkshopJoinMessage = lazySchema(() => z.object({ type: z.literal('workshop-join'), code: JoinCode, name: DisplayName }));
export const HelpRequestMessage = lazySchema(() => z.object({ type: z.literal('help-request'), raised: z.boolean() }));
export const TakeoverAnswerMessage = lazySchema(() => z.object({ type: z.literal('takeover-answer'), accept: z.boolean() }));
export const TakeoverEndMessage = lazySchema(() => z.object({ type: z.literal('takeover-end') }));
/** The learner revealed a hint or a solution: counted in the workshop's results. */
export const LessonRevealMessage = lazySchema(() =>
  z.object({ type: z.literal('lesson-reveal'), lessonId: Slug, stepId: Slug, kind: z.enum(['hint', 'solution']) }),
);

/** `joined`: the page has just joined (it tells the learner the trainer can see their terminal). */
export const WorkshopMessage = lazySchema(() => z.object({ type: z.literal('workshop'), workshop: WorkshopInfo, joined: z.boolean().optional() }));
export const BroadcastMessage = lazySchema(() => z.object({ type: z.literal('broadcast'), text: z.string() }));
export const HelpMessage = lazySchema(() => z.object({ type: z.literal('help'), raised: z.boolean() }));
export const TakeoverMessage = lazySchema(() => z.object({ type: z.literal('takeover'), state: TakeoverState }));

// ---- the dashboard ----------------------------------------------------------------------------

export const ActivityState = lazySchema(() => z.enum(['active', 'idle', 'stuck']));
export type ActivityState = z.infer<typeof ActivityState>;

/** Why a participant is stuck or idle, as data: the trainer's page words it in its language. */
export const ActivityReason = lazySchema(() =>
  z.discriminatedUnion('kind', [
    // the same check failed after this many commands in a row
    z.object({ kind: z.literal('same-failure'), commands: z.number().int().positive() }),
    // this long on the step, where the room takes `roomMinutes`
    z.object({ kind: z.literal('slow'), minutes: z.number().int().positive(), roomMinutes: z.number().int().positive() }),
    // no command for this long
    z.object({ kind: z.literal('quiet'), minutes: z.number().int().positive() }),
  ]),
);
export type ActivityReason = z.infer<typeof ActivityReason>;

export const DashboardRow = lazySchema(() =>
  z.object({
    id: ParticipantId,
    name: z.string(),
    lessonId: z.string().nullable(),
    stepId: z.string().nullable(),
    /** Steps of the workshop's plan completed, and how many it has. */
    completed: z.number().int().nonnegative(),
    checksPassed: z.number().int().nonnegative(),
    checksTotal: z.number().int().nonnegative(),
    /** When the participant arrived at the step they are on. */
    stepSince: Epoch.nullable(),
    lastCommand: z.object({ command: z.string(), exitCode: z.number().int().nullable(), at: Epoch }).nullable(),
    failingReason: z.string().nullable(),
    state: ActivityState,
    /** Why `state` says stuck or idle, in the trainer's terms. */
    stateReason: ActivityReason.optional(),
    hand: z.object({ at: Epoch }).nullable(),
    connected: z.boolean(),
    takeover: TakeoverState.nullable(),
    /** When the participant's sandbox reaches its lifetime; null while they have none. */
    sessionEndsAt: Epoch.nullable(),
  }),
);
export type DashboardRow = z.infer<typeof DashboardRow>;

/** One step of the plan and how far the room is. */
export const DashboardColumn = lazySchema(() =>
  z.object({
    lessonId: z.string(),
    stepId: z.string(),
    title: LocalizedText,
    /** Participants on this step now. */
    here: z.number().int().nonnegative(),
    completed: z.number().int().nonnegative(),
  }),
);
export type DashboardColumn = z.infer<typeof DashboardColumn>;

export const WorkshopSummary = lazySchema(() =>
  z.object({
    id: WorkshopId,
    name: z.string(),
    lessons: z.array(Slug),
    startsAt: Epoch,
    endsAt: Epoch,
    capacity: z.number().int().positive(),
    code: z.string(),
    state: WorkshopState,
    participants: z.number().int().nonnegative(),
  }),
);
export type WorkshopSummary = z.infer<typeof WorkshopSummary>;

export const CommandEntry = lazySchema(() => z.object({ command: z.string(), exitCode: z.number().int().nullable(), at: Epoch, node: z.string() }));

// ---- trainer page <-> server (on TRAINER_WS_PATH) ---------------------------------------------

export const WorkshopDraft = lazySchema(() =>
  z.object({
    name: z.string().trim().min(1).max(80),
    lessons: z.array(Slug).min(1).max(50),
    startsAt: Epoch,
    endsAt: Epoch,
    capacity: z.number().int().min(1).max(500),
  }),
);
export type WorkshopDraft = z.infer<typeof WorkshopDraft>;

export const ParticipantAction = lazySchema(() => z.enum(['reset-lesson', 'reset-sandbox', 'remove', 'help-done']));
export type ParticipantAction = z.infer<typeof ParticipantAction>;

const participantRef = { workshopId: WorkshopId, participant: ParticipantId };
/** How much one extension adds: a workshop's end, or a participant's sandbox lifetime. */
const ExtendMinutes = lazySchema(() => z.number().int().min(1).max(24 * 60));

export const TrainerClientMessage = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('workshop-create'), draft: WorkshopDraft }),
    // follow one workshop's dashboard (replaces any earlier)
    z.object({ type: z.literal('workshop-open'), workshopId: WorkshopId }),
    z.object({ type: z.literal('workshop-state'), workshopId: WorkshopId, state: z.enum(['running', 'paused', 'ended']) }),
    // the workshop's end, and every present participant's sandbox lifetime, move `minutes` later
    z.object({ type: z.literal('workshop-extend'), workshopId: WorkshopId, minutes: ExtendMinutes }),
    z.object({ type: z.literal('workshop-broadcast'), workshopId: WorkshopId, text: z.string().trim().min(1).max(500) }),
    z.object({ type: z.literal('participant-action'), ...participantRef, action: ParticipantAction }),
    // one participant's sandbox lifetime moves `minutes` later
    z.object({ type: z.literal('participant-extend'), ...participantRef, minutes: ExtendMinutes }),
    // see one participant: their terminal (read-only) on `channel`, their commands and failing reason
    z.object({ type: z.literal('participant-watch'), ...participantRef, channel: z.number().int().min(0).max(255) }),
    z.object({ type: z.literal('participant-unwatch') }),
    z.object({ type: z.literal('takeover-request'), ...participantRef }),
    z.object({ type: z.literal('takeover-input'), ...participantRef, data: z.string().min(1).max(4096) }),
    z.object({ type: z.literal('takeover-stop'), ...participantRef }),
  ]),
);
export type TrainerClientMessage = z.infer<typeof TrainerClientMessage>;

export const TrainerServerMessage = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('trainer-welcome'), workshops: z.array(WorkshopSummary), lessons: z.array(z.object({ id: Slug, title: LocalizedText })) }),
    z.object({ type: z.literal('workshops'), workshops: z.array(WorkshopSummary) }),
    z.object({ type: z.literal('dashboard'), workshop: WorkshopSummary, rows: z.array(DashboardRow), columns: z.array(DashboardColumn), at: Epoch }),
    // the watched participant: `attached` clears the view, the screen replay and live output follow as binary frames
    z.object({ type: z.literal('participant-terminal'), participant: ParticipantId, channel: z.number().int(), event: z.enum(['attached', 'gone']) }),
    z.object({ type: z.literal('participant-history'), participant: ParticipantId, commands: z.array(CommandEntry), failingReason: z.string().nullable() }),
    // the watched participant's explorer, as their page gets it: the whole view first, then every update;
    // null when their session ended (the view is gone until they are watched again)
    z.object({ type: z.literal('participant-explorer'), participant: ParticipantId, update: ExplorerUpdate.nullable() }),
    z.object({ type: z.literal('takeover'), participant: ParticipantId, state: TakeoverState }),
    z.object({ type: z.literal('trainer-error'), code: ErrorCode, message: z.string() }),
  ]),
);
export type TrainerServerMessage = z.infer<typeof TrainerServerMessage>;
