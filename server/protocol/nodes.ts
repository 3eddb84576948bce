/**
 * A learner's session holds one or more nodes (node1 .. nodeN): each a sandbox with its own
 * Docker engine and shell, all on the session's own network where they reach each other by
 * name. Each node's terminal has its own channel, `nodeChannel(name)`: node1 is channel 0.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { ErrorCode } from './errors';

/** Node names as lessons, checks and the page write them. */
export const NODE_NAME = /^node[1-9]$/;
export const NodeName = lazySchema(() => z.string().regex(NODE_NAME, 'expected a node name such as node1 or node2'));
export type NodeName = z.infer<typeof NodeName>;

/** The first node: the learner's sandbox from the start, never removed on its own. */
export const FIRST_NODE = 'node1';

export const nodeName = (index: number) => `node${index}`;
export const nodeIndex = (name: string) => Number(name.slice('node'.length));
/** The terminal channel of a node's shell. */
export const nodeChannel = (name: string) => nodeIndex(name) - 1;

export const NodeState = lazySchema(() => z.enum(['starting', 'ready', 'removing', 'failed']));
export type NodeState = z.infer<typeof NodeState>;

export const NodeInfo = lazySchema(() =>
  z.object({
    name: NodeName,
    /** The channel its terminal frames carry. */
    channel: z.number().int().min(0).max(255),
    state: NodeState,
    /** Why it failed, in English (the catalog's text of `reason`). */
    detail: z.string().optional(),
    /** Why it failed, as a code the page words in the learner's language. */
    reason: ErrorCode.optional(),
    /**
     * Set when the node's engine broke one of Slipway's limits (an endless answer, no answer):
     * what happened, in the learner's language (the engine's own words inside stay English).
     * The explorer and checks of that node may be stale; the shell still works.
     */
    degraded: z.string().optional(),
  }),
);
export type NodeInfo = z.infer<typeof NodeInfo>;

// ---- WebSocket messages (members of the unions in messages.ts) ----------------------------

/** Starts the lowest-numbered node the session lacks. */
export const NodeAddMessage = lazySchema(() => z.object({ type: z.literal('node-add') }));
export const NodeRemoveMessage = lazySchema(() => z.object({ type: z.literal('node-remove'), node: NodeName }));

export const NodesMessage = lazySchema(() =>
  z.object({
    type: z.literal('nodes'),
    /** Ordered by name, node1 first. */
    nodes: z.array(NodeInfo),
    /** The most nodes a session may hold. */
    max: z.number().int().min(1).max(9),
  }),
);
export type NodesMessage = z.infer<typeof NodesMessage>;
