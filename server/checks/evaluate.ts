/**
 * Judges checks against engine snapshots, the learner's command history and probe results.
 * Pure: the runner gathers the inputs. Failing reasons are written for the learner: they say
 * what is there instead of what was expected, never only "check failed". They and the derived
 * titles are worded in the learner's locale, from the catalog (server/common/i18n.ts); a
 * lesson's own titles and script reasons come translated with the lesson.
 */
import { joinList, translator, type Say } from '../common/i18n';
import { sameImage, sameImageId, normalizeImageRef } from '../engine-state/image-ref';
import { probeFor, type Probe, type ProbeResult } from './probes';
import { byteSize, durationMs, type Check, type CheckOf, type CheckType } from '../protocol/checks';
import { ORIGINAL_LOCALE, type Locale } from '../protocol/locale';
import type { CommandRecord } from './shell-integration';
import { checkSubject, type CheckSubject } from './subject';
import type { ContainerInfo, EngineSnapshot, ImageInfo, MountInfo, PortBinding, SandboxSnapshot } from '../engine-state/snapshot';

export type Verdict = {
  passed: boolean;
  /** The check's title, or one derived from its fields. */
  title: string;
  reason: string;
  type: CheckType;
  node: string;
  /** Set while the check waits for this probe's result (file and script checks). */
  needs?: Probe;
  /** The explorer element the check is about, if any (see subject.ts). */
  subject?: CheckSubject;
};

type Outcome = { passed: boolean; reason: string };
const pass = (reason: string): Outcome => ({ passed: true, reason });
const fail = (reason: string): Outcome => ({ passed: false, reason });

/**
 * `snapshots` holds every running node the checks look at (command checks only need the
 * history, which says on which node each command ran). Reasons and derived titles are in `locale`.
 */
export function evaluateChecks(
  checks: readonly Check[],
  snapshots: SandboxSnapshot,
  history: readonly CommandRecord[],
  probeResults: readonly ProbeResult[] = [],
  locale: Locale = ORIGINAL_LOCALE,
): Verdict[] {
  const say = translator(locale);
  const results = new Map(probeResults.map((result) => [result.id, result]));
  return checks.map((check, index) => {
    const subject = checkSubject(check);
    const verdict = { title: check.title ?? describeCheck(check, say), type: check.type, node: check.node, ...(subject ? { subject } : {}) };
    if (check.type === 'command') {
      return { ...verdict, ...judgeCommand(check, history.filter((record) => record.node === check.node), say) };
    }
    // A node without a snapshot is not running: nothing about it can pass, probes included.
    const snapshot = snapshots[check.node];
    if (!snapshot) return { ...verdict, ...fail(say('check.nodeNotRunning', { node: check.node })) };
    if (check.type === 'file' || check.type === 'script') {
      const probe = probeFor(check, index)!;
      const result = results.get(probe.id);
      if (!result || result.kind !== probe.kind) return { ...verdict, ...fail(say('check.notCheckedYet')), needs: probe };
      return { ...verdict, ...judgeProbe(check, result, say) };
    }
    return { ...verdict, ...judgeEngine(check, snapshot, say) };
  });
}

/** A title for checks that have none: what the learner is asked to achieve. */
export function describeCheck(check: Check, say: Say): string {
  switch (check.type) {
    case 'command': {
      const what = check.contains !== undefined ? `\`${check.contains}\`` : say('title.commandMatching', { pattern: check.matches! });
      if (check.exitCode !== undefined) return say('title.commandExitCode', { what, code: check.exitCode });
      if (check.succeeded !== undefined) return say(check.succeeded ? 'title.commandSucceeds' : 'title.commandFails', { what });
      return say('title.command', { what });
    }
    case 'container': {
      const what = check.name !== undefined ? object(say, 'container', check.name) : say('title.containerFromImage', { image: check.image! });
      if (!check.exists) return say('title.remove', { what });
      const extras = [
        check.status && say('title.containerIs', { status: check.status }),
        check.exitCode !== undefined && say('title.containerExited', { code: check.exitCode }),
        check.ports?.length && say('title.containerPublishes', { ports: joinList(say, check.ports) }),
      ].filter((extra): extra is string => typeof extra === 'string');
      return extras.length > 0 ? capitalize(say('title.containerWith', { what, extras: extras.join(say('title.join')) })) : say('title.create', { what });
    }
    case 'image':
      return check.exists ? say('title.imagePresent', { ref: check.ref }) : say('title.remove', { what: object(say, 'image', check.ref) });
    case 'network':
      return check.exists ? say('title.networkExists', { name: check.name }) : say('title.remove', { what: object(say, 'network', check.name) });
    case 'volume':
      return check.exists ? say('title.volumeExists', { name: check.name }) : say('title.remove', { what: object(say, 'volume', check.name) });
    case 'swarm':
      return say(check.active ? 'swarm.in' : 'swarm.notIn', { node: check.node });
    case 'node':
      return check.role ? say('title.nodeRole', { name: check.name, role: say(`role.${check.role}`) }) : say('title.nodeJoined', { name: check.name });
    case 'service':
      if (!check.exists) return say('title.remove', { what: object(say, 'service', check.name) });
      return check.replicas !== undefined ? say('title.serviceReplicas', { name: check.name, replicas: check.replicas }) : say('title.serviceExists', { name: check.name });
    case 'file':
      if (!check.exists) return say('file.gone', { path: check.path, where: '' });
      return check.contains ? say('title.fileContains', { path: check.path, text: check.contains }) : say('title.fileExists', { path: check.path });
    case 'script':
      return say('title.scriptDone');
  }
}

// ---- commands -----------------------------------------------------------------------------

/** Line continuations and runs of blanks do not change a command's meaning. */
export function normalizeCommand(command: string): string {
  return command.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function judgeCommand(check: CheckOf<'command'>, records: CommandRecord[], say: Say): Outcome {
  const pattern = check.matches !== undefined ? new RegExp(check.matches) : undefined;
  const matches = (record: CommandRecord) => {
    const line = normalizeCommand(record.command);
    return pattern ? pattern.test(line) : line.includes(normalizeCommand(check.contains!));
  };
  const matching = records.filter(matches);
  const where = check.node === 'node1' ? '' : say('command.onNode', { node: check.node });
  if (matching.length === 0) {
    const what = check.contains !== undefined ? say('command.containing', { text: check.contains }) : say('command.matching', { pattern: check.matches! });
    const last = records.at(-1);
    if (!last) return fail(say('command.noneYet', { where }));
    return fail(say('command.noneMatching', { what, where, last: quote(last.command) }));
  }
  const wanted = (record: CommandRecord) => {
    if (check.exitCode !== undefined) return record.exitCode === check.exitCode;
    if (check.succeeded !== undefined) return record.exitCode !== null && (record.exitCode === 0) === check.succeeded;
    return true;
  };
  const good = matching.findLast(wanted);
  if (good) return pass(say('command.ran', { command: quote(good.command) }));
  const last = matching.at(-1)!;
  const command = quote(last.command);
  if (last.exitCode === null) return fail(say('command.unfinished', { command }));
  if (last.exitCode === 0) return fail(say('command.unexpectedSuccess', { command }));
  const expected = check.exitCode !== undefined && check.exitCode !== 0 ? say('command.notCode', { code: check.exitCode }) : '';
  return fail(say('command.exitCode', { command, code: last.exitCode, expected }));
}

// ---- engine objects -----------------------------------------------------------------------

function judgeEngine(check: Exclude<Check, CheckOf<'command' | 'file' | 'script'>>, snapshot: EngineSnapshot, say: Say): Outcome {
  switch (check.type) {
    case 'container':
      return judgeContainer(check, snapshot, say);
    case 'image':
      return judgeImage(check, snapshot, say);
    case 'network':
      return judgeNetwork(check, snapshot, say);
    case 'volume':
      return judgeVolume(check, snapshot, say);
    case 'swarm':
      return judgeSwarm(check, snapshot, say);
    case 'node':
      return judgeSwarmNode(check, snapshot, say);
    case 'service':
      return judgeService(check, snapshot, say);
  }
}

function runsImage(container: ContainerInfo, reference: string, images: ImageInfo[]): boolean {
  if (sameImage(container.image, reference) || sameImageId(container.imageId, reference)) return true;
  // Run by id or by another tag of the same image.
  const image = images.find((candidate) => candidate.id === container.imageId);
  return image?.repoTags.includes(normalizeImageRef(reference)) ?? false;
}

function judgeContainer(check: CheckOf<'container'>, snapshot: EngineSnapshot, say: Say): Outcome {
  const { containers, images } = snapshot;
  const candidates =
    check.name !== undefined
      ? containers.filter((container) => container.name === check.name)
      : containers.filter((container) => runsImage(container, check.image!, images));
  const who = check.name !== undefined ? say('container.named', { name: check.name }) : say('container.fromImage', { image: check.image! });

  if (!check.exists) {
    if (candidates.length === 0) return pass(say('container.absent', { who }));
    const [first] = candidates;
    return candidates.length === 1
      ? fail(say('container.stillExists', { name: first!.name, status: statusText(first!, say) }))
      : fail(say('container.severalStillExist', { count: candidates.length, who, names: names(candidates, say) }));
  }
  if (candidates.length === 0) return fail(say('container.missing', { who, containers: listContainers(containers, say) }));

  const judged = candidates.map((container) => {
    const wrongStatus = check.status !== undefined && container.status !== check.status;
    const problems = containerProblems(check, container, images, say);
    return { container, wrongStatus, problems, count: problems.length + (wrongStatus ? 1 : 0) };
  });
  const best = judged.find((entry) => entry.count === 0) ?? judged.sort((a, b) => a.count - b.count)[0]!;
  const head = say('container.status', { name: best.container.name, status: statusText(best.container, say) });
  if (best.count === 0) return pass(head);
  // A wrong status reads best right after the status itself: "is exited (code 1), not running".
  if (best.wrongStatus) return fail([say('container.wrongStatus', { head, status: check.status! }), ...best.problems].join(say('join.also')));
  return fail(say('container.problems', { head, problems: best.problems.join(say('join.and')) }));
}

/** What is wrong with the container besides its status, each worded to follow "it". */
function containerProblems(check: CheckOf<'container'>, container: ContainerInfo, images: ImageInfo[], say: Say): string[] {
  const problems: string[] = [];
  if (check.name !== undefined && check.image !== undefined && !runsImage(container, check.image, images)) {
    problems.push(say('problem.image', { actual: container.image, wanted: check.image }));
  }
  if (check.exitCode !== undefined) {
    if (container.status !== 'exited') problems.push(say('container.exitCodeNone'));
    else if (container.exitCode !== check.exitCode) problems.push(say('container.exitCode', { actual: container.exitCode ?? '', wanted: check.exitCode }));
  }
  for (const spec of check.ports ?? []) {
    const problem = portProblem(spec, container.ports, say);
    if (problem) problems.push(problem);
  }
  for (const network of check.networks ?? []) {
    if (container.networks.includes(network)) continue;
    problems.push(
      container.networks.length === 0
        ? say('container.onNoNetwork', { network })
        : say('container.notOnNetwork', { network, networks: joinList(say, container.networks) }),
    );
  }
  for (const spec of check.mounts ?? []) {
    const problem = mountProblem(spec, container.mounts, say);
    if (problem) problems.push(problem);
  }
  for (const entry of check.env ?? []) {
    const [key, ...value] = entry.split('=');
    const actual = container.env.find((variable) => variable.split('=')[0] === key);
    if (actual === undefined) problems.push(say('container.envMissing', { key: key! }));
    else if (value.length > 0 && actual !== entry) problems.push(say('container.envWrong', { actual, wanted: entry }));
  }
  problems.push(...labelProblems(check.labels, container.labels, say));
  if (check.restartPolicy !== undefined && (container.restartPolicy ?? 'no') !== check.restartPolicy) {
    problems.push(say('container.restart', { actual: container.restartPolicy ?? 'no', wanted: check.restartPolicy }));
  }
  return problems;
}

function statusText(container: ContainerInfo, say: Say): string {
  return container.status === 'exited' && container.exitCode !== undefined ? say('status.exited', { code: container.exitCode }) : container.status;
}

type ParsedPort = { hostPort?: number; containerPort: number; protocol: string };

function parsePort(spec: string): ParsedPort {
  const [, host, port, protocol] = /^(?:(\d+)->)?(\d+)(?:\/(\w+))?$/.exec(spec)!;
  return { ...(host ? { hostPort: Number(host) } : {}), containerPort: Number(port), protocol: protocol ?? 'tcp' };
}

const formatPort = (port: PortBinding | ParsedPort) =>
  `${port.hostPort !== undefined ? `${port.hostPort}->` : ''}${port.containerPort}/${port.protocol}`;

function portProblem(spec: string, ports: PortBinding[], say: Say): string | undefined {
  const wanted = parsePort(spec);
  const published = ports.filter((port) => port.hostPort !== undefined);
  const sameTarget = (port: PortBinding) => port.containerPort === wanted.containerPort && port.protocol === wanted.protocol;
  if (published.some((port) => sameTarget(port) && (wanted.hostPort === undefined || port.hostPort === wanted.hostPort))) {
    return undefined;
  }
  if (published.length === 0) {
    return say('port.noneFor', { port: wanted.hostPort ?? `${wanted.containerPort}/${wanted.protocol}` });
  }
  const target = `${wanted.containerPort}/${wanted.protocol}`;
  const onHost = wanted.hostPort !== undefined ? published.find((port) => port.hostPort === wanted.hostPort) : undefined;
  if (onHost) return say('port.forwards', { host: wanted.hostPort!, actual: `${onHost.containerPort}/${onHost.protocol}`, wanted: target });
  return say('port.publishes', { actual: joinList(say, published.map(formatPort)), wanted: formatPort(wanted) });
}

function mountProblem(spec: string, mounts: MountInfo[], say: Say): string | undefined {
  const arrow = spec.lastIndexOf('->');
  const source = arrow === -1 ? undefined : spec.slice(0, arrow);
  const destination = arrow === -1 ? spec : spec.slice(arrow + 2);
  const mount = mounts.find((candidate) => trimSlash(candidate.destination) === trimSlash(destination));
  if (!mount) return say('mount.nothing', { destination });
  if (source === undefined) return undefined;
  const isPath = source.startsWith('/') || source.startsWith('.');
  const actual = mount.type === 'volume' ? say('mount.volume', { name: mount.name ?? '' }) : say('mount.path', { path: mount.source });
  if (isPath) {
    if (mount.type === 'bind' && trimSlash(mount.source) === trimSlash(source)) return undefined;
    return say('mount.notDirectory', { actual, destination, source });
  }
  if (mount.type === 'volume' && mount.name === source) return undefined;
  return say('mount.notVolume', { actual, destination, source });
}

const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

function labelProblems(expected: Record<string, string> | undefined, actual: Record<string, string>, say: Say): string[] {
  return Object.entries(expected ?? {}).flatMap(([key, value]) => {
    if (!(key in actual)) return [say('problem.noLabel', { key })];
    return actual[key] === value ? [] : [say('problem.label', { actual: `${key}=${actual[key]}`, wanted: `${key}=${value}` })];
  });
}

function judgeImage(check: CheckOf<'image'>, snapshot: EngineSnapshot, say: Say): Outcome {
  const ref = normalizeImageRef(check.ref);
  const image = snapshot.images.find((candidate) => candidate.repoTags.includes(ref));
  if (!check.exists) return image ? fail(say('image.stillThere', { ref })) : pass(say('image.absent', { ref }));
  if (!image) {
    const repository = ref.slice(0, ref.lastIndexOf(':'));
    const sameRepository = snapshot.images.flatMap((candidate) => candidate.repoTags).filter((tag) => tag.startsWith(`${repository}:`));
    if (sameRepository.length > 0) return fail(say('image.onlyTags', { ref, tags: joinList(say, sameRepository) }));
    const tags = snapshot.images.flatMap((candidate) => candidate.repoTags);
    return fail(tags.length === 0 ? say('image.noneAtAll', { ref }) : say('image.missingAmong', { ref, images: list(tags, say) }));
  }
  const problems = labelProblems(check.labels, image.labels, say);
  if (check.layers) {
    const { min, max } = check.layers;
    if (image.layers === undefined) problems.push(say('image.layersUnknown'));
    else if (max !== undefined && image.layers > max) problems.push(say('image.tooManyLayers', { layers: image.layers, max }));
    else if (min !== undefined && image.layers < min) problems.push(say('image.tooFewLayers', { layers: image.layers, min }));
  }
  if (check.size) {
    const { min, max } = check.size;
    const size = formatBytes(image.size);
    if (max !== undefined && image.size > byteSize(max)) problems.push(say('image.tooLarge', { size, max: formatBytes(byteSize(max)) }));
    if (min !== undefined && image.size < byteSize(min)) problems.push(say('image.tooSmall', { size, min: formatBytes(byteSize(min)) }));
  }
  return problems.length === 0 ? pass(say('image.there', { ref })) : fail(say('image.problems', { ref, problems: problems.join(say('join.and')) }));
}

function judgeNetwork(check: CheckOf<'network'>, snapshot: EngineSnapshot, say: Say): Outcome {
  const { name } = check;
  const network = snapshot.networks.find((candidate) => candidate.name === name);
  if (!check.exists) return network ? fail(say('network.stillExists', { name })) : pass(say('network.absent', { name }));
  if (!network) return fail(say('network.missingAmong', { name, networks: list(snapshot.networks.map((n) => n.name), say) }));
  const problems: string[] = [];
  if (check.driver !== undefined && network.driver !== check.driver) problems.push(say('network.driver', { actual: network.driver, wanted: check.driver }));
  const missing = (check.containers ?? []).filter((container) => !network.containers.includes(container));
  if (missing.length > 0) {
    const attached =
      network.containers.length === 0
        ? say('network.attachedNone')
        : say(network.containers.length === 1 ? 'network.attachedOne' : 'network.attachedMany', { names: joinList(say, network.containers) });
    problems.push(say('network.notAttached', { missing: joinList(say, missing), attached }));
  }
  return problems.length === 0 ? pass(say('network.there', { name })) : fail(say('network.problems', { name, problems: problems.join(say('join.and')) }));
}

function judgeVolume(check: CheckOf<'volume'>, snapshot: EngineSnapshot, say: Say): Outcome {
  const { name } = check;
  const volume = snapshot.volumes.find((candidate) => candidate.name === name);
  if (!check.exists) return volume ? fail(say('volume.stillExists', { name })) : pass(say('volume.absent', { name }));
  if (!volume) {
    const volumes = snapshot.volumes.map((v) => v.name);
    return fail(volumes.length === 0 ? say('volume.noneAtAll', { name }) : say('volume.missingAmong', { name, volumes: list(volumes, say) }));
  }
  const missing = (check.usedBy ?? []).filter((user) => !volume.users.includes(user));
  if (missing.length === 0) return pass(say('volume.there', { name }));
  const users = volume.users.length === 0 ? say('volume.unused') : say('volume.usedBy', { users: joinList(say, volume.users) });
  return fail(say('volume.notMounted', { name, missing: joinList(say, missing), users }));
}

// ---- swarm --------------------------------------------------------------------------------

function judgeSwarm(check: CheckOf<'swarm'>, snapshot: EngineSnapshot, say: Say): Outcome {
  const { swarm } = snapshot;
  const { node } = check;
  if (!check.active) return swarm.active ? fail(say('swarm.stillIn', { node })) : pass(say('swarm.notIn', { node }));
  if (!swarm.active) return fail(say('swarm.notPart', { node }));
  if (check.managers === undefined && check.workers === undefined) return pass(say('swarm.in', { node }));
  if (!swarm.manager) return fail(say('swarm.workerCannotList', { node }));
  const ready = swarm.nodes.filter((member) => member.state === 'ready');
  const count = (role: string) => ready.filter((member) => member.role === role).length;
  const problems: string[] = [];
  if (check.managers !== undefined && count('manager') !== check.managers) problems.push(say('swarm.managers', { count: count('manager'), wanted: check.managers }));
  if (check.workers !== undefined && count('worker') !== check.workers) problems.push(say('swarm.workers', { count: count('worker'), wanted: check.workers }));
  return problems.length === 0 ? pass(say('swarm.asExpected')) : fail(say('swarm.counts', { problems: problems.join(say('join.pair')) }));
}

function judgeSwarmNode(check: CheckOf<'node'>, snapshot: EngineSnapshot, say: Say): Outcome {
  const { swarm } = snapshot;
  const { name } = check;
  if (!swarm.active) return fail(say('swarm.notPart', { node: check.node }));
  if (!swarm.manager) return fail(say('swarmNode.workerCannotSee', { node: check.node }));
  // A node that left and joined again is listed twice (the old entry down): judge the live one.
  const named = swarm.nodes.filter((candidate) => candidate.hostname === name);
  const node = named.find((candidate) => candidate.state === 'ready') ?? named[0];
  if (!node) return fail(say('swarmNode.notJoined', { name, nodes: list(swarm.nodes.map((n) => n.hostname), say) }));
  const problems: string[] = [];
  if (check.role !== undefined && node.role !== check.role) {
    problems.push(say('swarmNode.role', { actual: say(`role.${node.role}`), wanted: say(`role.${check.role}`) }));
  }
  if (check.availability !== undefined && node.availability !== check.availability) {
    problems.push(say('swarmNode.availability', { actual: node.availability, wanted: check.availability }));
  }
  if (check.state !== undefined && node.state !== check.state) problems.push(say('swarmNode.state', { actual: node.state, wanted: check.state }));
  if (check.leader !== undefined && node.leader !== check.leader) problems.push(say(check.leader ? 'swarmNode.notLeader' : 'swarmNode.leader'));
  return problems.length === 0 ? pass(say('swarmNode.asExpected', { name })) : fail(say('swarmNode.problems', { name, problems: problems.join(say('join.and')) }));
}

function judgeService(check: CheckOf<'service'>, snapshot: EngineSnapshot, say: Say): Outcome {
  const { swarm } = snapshot;
  const { name } = check;
  if (!swarm.active) return fail(say('service.noSwarm', { node: check.node }));
  if (!swarm.manager) return fail(say('service.workerCannotSee', { node: check.node }));
  const service = swarm.services.find((candidate) => candidate.name === name);
  if (!check.exists) return service ? fail(say('service.stillExists', { name })) : pass(say('service.absent', { name }));
  if (!service) {
    const services = swarm.services.map((s) => s.name);
    return fail(services.length === 0 ? say('service.noneAtAll', { name }) : say('service.missingAmong', { name, services: list(services, say) }));
  }
  const problems: string[] = [];
  if (check.image !== undefined && !sameImage(service.image, check.image)) problems.push(say('problem.image', { actual: service.image, wanted: check.image }));
  if (check.mode !== undefined && service.mode !== check.mode) problems.push(say('service.mode', { actual: service.mode, wanted: check.mode }));
  if (check.replicas !== undefined) {
    const running = service.tasks.filter((task) => task.state === 'running' && task.desiredState === 'running').length;
    if (running !== check.replicas) problems.push(say(running === 1 ? 'service.replicasOne' : 'service.replicasMany', { count: running, wanted: check.replicas }));
  }
  for (const spec of check.ports ?? []) {
    const problem = portProblem(spec, service.ports, say);
    if (problem) problems.push(problem);
  }
  for (const network of check.networks ?? []) {
    if (!service.networks.includes(network)) problems.push(say('service.notOnNetwork', { network }));
  }
  const { parallelism, delay, state } = check.update ?? {};
  if (parallelism !== undefined && service.update.parallelism !== parallelism) {
    problems.push(say('service.parallelism', { actual: service.update.parallelism ?? 1, wanted: parallelism }));
  }
  if (delay !== undefined && service.update.delayMs !== durationMs(delay)) {
    problems.push(say('service.delay', { actual: (service.update.delayMs ?? 0) / 1000, wanted: durationMs(delay) / 1000 }));
  }
  if (state !== undefined && service.update.state !== state) {
    const now = service.update.state ? say('service.lastUpdate', { state: service.update.state.replace('_', ' ') }) : say('service.neverUpdated');
    const why = service.update.message ? say('service.updateWhy', { message: service.update.message }) : '';
    problems.push(say('service.updateState', { now, why, wanted: state.replace('_', ' ') }));
  }
  return problems.length === 0 ? pass(say('service.asExpected', { name })) : fail(say('service.problems', { name, problems: problems.join(say('join.and')) }));
}

// ---- probes -------------------------------------------------------------------------------

function judgeProbe(check: CheckOf<'file' | 'script'>, result: ProbeResult, say: Say): Outcome {
  if (check.type === 'script' && result.kind === 'script') {
    if (result.exitCode === 0) return pass(say('probe.passed'));
    // A translation's reason stands for the script's (English) output.
    if (check.reason) return fail(check.reason);
    const output = result.output.trim();
    if (output) return fail(output);
    return fail(
      result.exitCode === null
        ? say('probe.timedOut', { seconds: durationMs(check.timeout) / 1000 })
        : say('probe.failed', { code: result.exitCode }),
    );
  }
  if (check.type !== 'file' || result.kind !== 'file') return fail(say('check.notCheckedYet'));
  const { path } = check;
  const where = check.container ? say('file.inContainer', { container: check.container }) : '';
  if (!check.exists) return result.exists ? fail(say('file.stillExists', { path, where })) : pass(say('file.gone', { path, where }));
  if (!result.exists) return fail(say('file.missing', { path, where }));
  const content = result.content ?? '';
  if (check.contains !== undefined && !content.includes(check.contains)) return fail(say('file.lacks', { path, where, text: check.contains }));
  if (check.matches !== undefined && !new RegExp(check.matches, 'm').test(content)) {
    return fail(say('file.noLine', { path, where, pattern: check.matches }));
  }
  return pass(say('file.asExpected', { path, where }));
}

// ---- wording ------------------------------------------------------------------------------

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "container web", "镜像 nginx:latest". */
const object = (say: Say, kind: 'container' | 'image' | 'network' | 'volume' | 'service', name: string) =>
  say('object', { kind: say(`kind.${kind}`), name });

/** Long or multi-line commands are shortened: the learner recognizes them by their start. */
function quote(command: string): string {
  const line = normalizeCommand(command);
  return `\`${line.length > 80 ? `${line.slice(0, 77)}...` : line}\``;
}

/** At most `max` items, and how many more there are. */
function list(items: string[], say: Say, max = 6): string {
  const shown = joinList(say, items.slice(0, max));
  return items.length > max ? say('list.more', { shown, more: items.length - max }) : shown;
}

const names = (containers: ContainerInfo[], say: Say) => list(containers.map((container) => container.name), say);

function listContainers(containers: ContainerInfo[], say: Say): string {
  if (containers.length === 0) return say('containers.none');
  if (containers.length === 1) return say('containers.one', { name: containers[0]!.name });
  return say('containers.many', { count: containers.length, names: names(containers, say) });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
