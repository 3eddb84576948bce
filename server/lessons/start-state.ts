/**
 * Bringing a session to the state a lesson starts from (front matter `start`). A learner takes
 * the course in one session, so a lesson finds whatever the lessons before it left: a swarm,
 * a container publishing 8080, a network of the same name. `planStart` (pure) lists what is in
 * the way, in the learner's terms; the page asks them; `applyStart` removes it.
 */
import type Docker from 'dockerode';
import { joinList, translator, type Say } from '../common/i18n';
import type { EngineSnapshot, SandboxSnapshot } from '../engine-state/snapshot';
import type { StartAction } from '../protocol/lessons';
import type { SessionNode } from '../session/context';
import type { Lesson } from '../protocol/lesson-model';
import type { Locale } from '../protocol/locale';

/** The lesson's nodes (node1 .. nodeN) that are ready, with their engine's state now; described in `locale`. */
export function planStart(lesson: Pick<Lesson, 'nodes' | 'start'>, snapshots: SandboxSnapshot, locale: Locale): StartAction[] {
  const say = translator(locale);
  const { start } = lesson;
  const actions: StartAction[] = [];
  for (let index = 1; index <= lesson.nodes; index++) {
    const node = `node${index}`;
    const snapshot = snapshots[node];
    if (!snapshot) continue;
    if (start.swarm === false && snapshot.swarm.active) actions.push(leaveSwarm(node, snapshot, say));
    const doomed = new Map<string, string>();
    const doom = (name: string, why: string) => doomed.has(name) || doomed.set(name, why);
    for (const container of snapshot.containers) {
      const port = container.ports.find((binding) => binding.hostPort !== undefined && start.ports?.includes(binding.hostPort));
      if (port) doom(container.name, say('start.publishesPort', { port: port.hostPort! }));
      if (start.containers?.includes(container.name)) doom(container.name, say('start.sameContainerName'));
    }
    const volumes = snapshot.volumes.filter((volume) => start.volumes?.includes(volume.name));
    const networks = snapshot.networks.filter((network) => start.networks?.includes(network.name) && network.driver !== 'overlay');
    for (const volume of volumes) volume.users.forEach((user) => doom(user, say('start.usesVolume', { volume: volume.name })));
    for (const network of networks) network.containers.forEach((member) => doom(member, say('start.onNetwork', { network: network.name })));
    // Containers a swarm runs for a service go with the swarm.
    const swarmLeft = actions.some((action) => action.node === node && action.kind === 'leave-swarm');
    for (const [name, why] of doomed) {
      if (swarmLeft && isTaskContainer(snapshot, name)) continue;
      actions.push({ node, kind: 'remove-container', target: name, description: say('start.removeContainer', { node, name, why }) });
    }
    for (const volume of volumes) {
      actions.push({ node, kind: 'remove-volume', target: volume.name, description: say('start.removeVolume', { node, name: volume.name }) });
    }
    for (const network of networks) {
      actions.push({ node, kind: 'remove-network', target: network.name, description: say('start.removeNetwork', { node, name: network.name }) });
    }
  }
  return actions;
}

function leaveSwarm(node: string, snapshot: EngineSnapshot, say: Say): StartAction {
  const services = snapshot.swarm.services.map((service) => service.name);
  const role = say(snapshot.swarm.manager ? 'role.manager' : 'role.worker');
  const going = services.length > 0 ? say('start.servicesStop', { services: joinList(say, services) }) : '';
  return { node, kind: 'leave-swarm', description: say('start.leaveSwarm', { node, role, going }) };
}

/** Swarm names a service's containers `service.slot.taskid`. */
const isTaskContainer = (snapshot: EngineSnapshot, name: string) =>
  snapshot.swarm.services.some((service) => name.startsWith(`${service.name}.`));

/**
 * How long the work of an action whose answer was lost may take to show: a manager's forced
 * swarm leave closes the engine's connections and goes on tearing its swarm down (seen twice
 * in whole-course runs: the leave hung up, and so did a second one asked for at once).
 */
export const LOST_ANSWER = { waitMs: 15_000, pollMs: 250 };

/**
 * Carries the actions out, in order; returns a line for each that failed, in `locale`. An
 * action whose answer is lost (the connection closed, no status) may still be doing its work:
 * what it is for is watched for up to `lost.waitMs`, and the action tried once more only if
 * that does not hold by then. An action the engine answered with an error is checked once.
 */
export async function applyStart(
  actions: readonly StartAction[],
  nodeOf: (node: string) => Pick<SessionNode, 'engine' | 'state'> | undefined,
  locale: Locale,
  lost = LOST_ANSWER,
): Promise<string[]> {
  const say = translator(locale);
  const failures: string[] = [];
  for (const action of actions) {
    const node = nodeOf(action.node);
    try {
      if (!node) throw new Error(say('start.notRunning', { node: action.node }));
      const { engine } = node;
      const done = (error: unknown) => achievedWithin(action, engine, isAnswer(error) ? 0 : lost.waitMs, lost.pollMs);
      await carryOut(action, engine).catch(async (error: unknown) => {
        if (await done(error)) return;
        await carryOut(action, engine).catch(async (again: unknown) => {
          if (!(await done(again))) throw again ?? error;
        });
      });
      // No event says a node left its swarm: its state reads the membership again.
      if (action.kind === 'leave-swarm') node.state.recheck();
    } catch (error) {
      failures.push(say('start.failed', { action: action.description, error: (error as Error).message }));
    }
  }
  return failures;
}

/** The engine answered (with an error status), rather than the connection failing. */
const isAnswer = (error: unknown) => typeof (error as { statusCode?: unknown } | undefined)?.statusCode === 'number';

/** Polls `achieved` until it holds or `waitMs` has passed (one look when 0). */
async function achievedWithin(action: StartAction, engine: Docker, waitMs: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await achieved(action, engine).catch(() => false)) return true;
    if (Date.now() + pollMs > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function carryOut(action: StartAction, engine: Docker): Promise<void> {
  if (action.kind === 'leave-swarm') await engine.swarmLeave({ force: true });
  else if (action.kind === 'remove-container') await engine.getContainer(action.target!).remove({ force: true });
  else if (action.kind === 'remove-volume') await engine.getVolume(action.target!).remove();
  else await engine.getNetwork(action.target!).remove();
}

/** Whether the engine is already as the action wants it: out of the swarm, the object gone. */
async function achieved(action: StartAction, engine: Docker): Promise<boolean> {
  if (action.kind === 'leave-swarm') return ((await engine.info()) as { Swarm?: { LocalNodeState?: string } }).Swarm?.LocalNodeState === 'inactive';
  const target = action.target!;
  const object = action.kind === 'remove-container' ? engine.getContainer(target) : action.kind === 'remove-volume' ? engine.getVolume(target) : engine.getNetwork(target);
  return object.inspect().then(
    () => false,
    (error: { statusCode?: number }) => error.statusCode === 404,
  );
}
