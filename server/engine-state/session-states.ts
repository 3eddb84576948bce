/**
 * The engine states of one learner's session, one per ready node: the session opens a node's
 * when the node is ready and closes it when the node goes. Beside them, what no single node's
 * events say: when one node's events touch the swarm (a task's container starting or dying),
 * the managers on the other nodes re-read it.
 */
import type Docker from 'dockerode';
import { systemClock, type Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { EngineStateFollower, type EngineState } from './follower';
import type { EngineStateTiming } from './tracker';

export interface EngineStatesOptions {
  log: (line: string) => void;
  clock?: Clock;
  timing?: Partial<EngineStateTiming>;
}

export class EngineStates {
  readonly #followers = new Map<string, { follower: EngineStateFollower; settled: Disposable }>();
  readonly #settled = new Emitter<string>();

  constructor(private readonly options: EngineStatesOptions) {}

  /** Fires with a node's name when its state settles on a new version. */
  readonly onSettled = this.#settled.event;

  /** Starts following this node's engine; a node already followed is followed afresh. */
  open(node: string, engine: Docker): EngineState {
    this.close(node);
    const follower = new EngineStateFollower(
      node,
      engine,
      { swarmTouched: () => this.#swarmTouched(node), log: this.options.log },
      this.options.clock ?? systemClock,
      this.options.timing,
    );
    this.#followers.set(node, { follower, settled: follower.onSettled(() => this.#settled.fire(node)) });
    return follower;
  }

  close(node: string): void {
    const entry = this.#followers.get(node);
    if (!entry) return;
    this.#followers.delete(node);
    entry.settled.dispose();
    entry.follower.dispose();
  }

  dispose(): void {
    for (const node of [...this.#followers.keys()]) this.close(node);
    this.#settled.dispose();
  }

  #swarmTouched(source: string): void {
    for (const [node, { follower }] of this.#followers) if (node !== source) follower.swarmChangedElsewhere();
  }
}
