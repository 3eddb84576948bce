/**
 * Judges checks against engine snapshots, the learner's command history and probe results.
 * Pure: the runner gathers the inputs. Failing reasons are written for the learner: they say
 * what is there instead of what was expected, never only "check failed".
 */
import { sameImage, sameImageId, normalizeImageRef } from '../engine-state/image-ref';
import { probeFor, type Probe, type ProbeResult } from './probes';
import { byteSize, durationMs, type Check, type CheckOf, type CheckType } from '../protocol/checks';
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
 * history, which says on which node each command ran).
 */
export function evaluateChecks(
  checks: readonly Check[],
  snapshots: SandboxSnapshot,
  history: readonly CommandRecord[],
  probeResults: readonly ProbeResult[] = [],
): Verdict[] {
  const results = new Map(probeResults.map((result) => [result.id, result]));
  return checks.map((check, index) => {
    const subject = checkSubject(check);
    const verdict = { title: check.title ?? describeCheck(check), type: check.type, node: check.node, ...(subject ? { subject } : {}) };
    if (check.type === 'command') {
      return { ...verdict, ...judgeCommand(check, history.filter((record) => record.node === check.node)) };
    }
    // A node without a snapshot is not running: nothing about it can pass, probes included.
    const snapshot = snapshots[check.node];
    if (!snapshot) return { ...verdict, passed: false, reason: `${check.node} is not running yet, so nothing can be checked there` };
    if (check.type === 'file' || check.type === 'script') {
      const probe = probeFor(check, index)!;
      const result = results.get(probe.id);
      if (!result || result.kind !== probe.kind) return { ...verdict, passed: false, reason: 'not checked yet', needs: probe };
      return { ...verdict, ...judgeProbe(check, result) };
    }
    return { ...verdict, ...judgeEngine(check, snapshot) };
  });
}

/** A title for checks that have none: what the learner is asked to achieve. */
export function describeCheck(check: Check): string {
  switch (check.type) {
    case 'command': {
      const what = check.contains !== undefined ? `\`${check.contains}\`` : `a command matching /${check.matches}/`;
      if (check.exitCode !== undefined) return `Run ${what} (exit code ${check.exitCode})`;
      if (check.succeeded !== undefined) return `Run ${what} ${check.succeeded ? 'successfully' : 'and see it fail'}`;
      return `Run ${what}`;
    }
    case 'container': {
      const who = check.name !== undefined ? `container ${check.name}` : `a container from ${check.image}`;
      if (!check.exists) return `Remove ${who}`;
      const extras = [
        check.status && `is ${check.status}`,
        check.exitCode !== undefined && `exited with code ${check.exitCode}`,
        check.ports?.length && `publishes ${check.ports.join(', ')}`,
      ].filter(Boolean);
      return extras.length > 0 ? `${capitalize(who)} ${extras.join(' and ')}` : `Create ${who}`;
    }
    case 'image':
      return check.exists ? `Image ${check.ref} is present` : `Remove image ${check.ref}`;
    case 'network':
      return check.exists ? `Network ${check.name} exists` : `Remove network ${check.name}`;
    case 'volume':
      return check.exists ? `Volume ${check.name} exists` : `Remove volume ${check.name}`;
    case 'swarm':
      return check.active ? `${check.node} is in a swarm` : `${check.node} is not in a swarm`;
    case 'node':
      return `Swarm node ${check.name}${check.role ? ` is a ${check.role}` : ' has joined'}`;
    case 'service':
      if (!check.exists) return `Remove service ${check.name}`;
      return `Service ${check.name}${check.replicas !== undefined ? ` runs ${check.replicas} replicas` : ' exists'}`;
    case 'file':
      return check.exists ? `${check.path} ${check.contains ? `contains "${check.contains}"` : 'exists'}` : `${check.path} is gone`;
    case 'script':
      return 'The step is done';
  }
}

// ---- commands -----------------------------------------------------------------------------

/** Line continuations and runs of blanks do not change a command's meaning. */
export function normalizeCommand(command: string): string {
  return command.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function judgeCommand(check: CheckOf<'command'>, records: CommandRecord[]): Outcome {
  const pattern = check.matches !== undefined ? new RegExp(check.matches) : undefined;
  const matches = (record: CommandRecord) => {
    const line = normalizeCommand(record.command);
    return pattern ? pattern.test(line) : line.includes(normalizeCommand(check.contains!));
  };
  const matching = records.filter(matches);
  if (matching.length === 0) {
    const what = check.contains !== undefined ? `containing \`${check.contains}\`` : `matching /${check.matches}/`;
    const last = records.at(-1);
    if (!last) return fail(`you have not run any command${onNode(check.node)} yet`);
    return fail(`you have not run a command ${what}${onNode(check.node)} yet (the last one was ${quote(last.command)})`);
  }
  const wanted = (record: CommandRecord) => {
    if (check.exitCode !== undefined) return record.exitCode === check.exitCode;
    if (check.succeeded !== undefined) return record.exitCode !== null && (record.exitCode === 0) === check.succeeded;
    return true;
  };
  const good = matching.findLast(wanted);
  if (good) return pass(`you ran ${quote(good.command)}`);
  const last = matching.at(-1)!;
  if (last.exitCode === null) return fail(`${quote(last.command)} has not finished (no exit code was reported)`);
  if (last.exitCode === 0) return fail(`you ran ${quote(last.command)} and it succeeded, but this step expects it to fail`);
  const expected = check.exitCode !== undefined && check.exitCode !== 0 ? `, not ${check.exitCode}` : '';
  return fail(`you ran ${quote(last.command)} but it exited with code ${last.exitCode}${expected}`);
}

// ---- engine objects -----------------------------------------------------------------------

function judgeEngine(check: Exclude<Check, CheckOf<'command' | 'file' | 'script'>>, snapshot: EngineSnapshot): Outcome {
  switch (check.type) {
    case 'container':
      return judgeContainer(check, snapshot);
    case 'image':
      return judgeImage(check, snapshot);
    case 'network':
      return judgeNetwork(check, snapshot);
    case 'volume':
      return judgeVolume(check, snapshot);
    case 'swarm':
      return judgeSwarm(check, snapshot);
    case 'node':
      return judgeSwarmNode(check, snapshot);
    case 'service':
      return judgeService(check, snapshot);
  }
}

function runsImage(container: ContainerInfo, reference: string, images: ImageInfo[]): boolean {
  if (sameImage(container.image, reference) || sameImageId(container.imageId, reference)) return true;
  // Run by id or by another tag of the same image.
  const image = images.find((candidate) => candidate.id === container.imageId);
  return image?.repoTags.includes(normalizeImageRef(reference)) ?? false;
}

function judgeContainer(check: CheckOf<'container'>, snapshot: EngineSnapshot): Outcome {
  const { containers, images } = snapshot;
  const candidates =
    check.name !== undefined
      ? containers.filter((container) => container.name === check.name)
      : containers.filter((container) => runsImage(container, check.image!, images));
  const who = check.name !== undefined ? `named ${check.name}` : `from image ${check.image}`;

  if (!check.exists) {
    if (candidates.length === 0) return pass(`there is no container ${who}`);
    const [first] = candidates;
    return candidates.length === 1
      ? fail(`container ${first!.name} still exists (it is ${statusText(first!)})`)
      : fail(`${candidates.length} containers ${who} still exist: ${names(candidates)}`);
  }
  if (candidates.length === 0) return fail(`no container ${who}: ${listContainers(containers)}`);

  const judged = candidates.map((container) => ({ container, problems: containerProblems(check, container, images) }));
  const best = judged.find((entry) => entry.problems.length === 0) ?? judged.sort((a, b) => a.problems.length - b.problems.length)[0]!;
  const head = `container ${best.container.name} is ${statusText(best.container)}`;
  if (best.problems.length === 0) return pass(head);
  const [first, ...rest] = best.problems;
  // A wrong status reads best right after the status itself: "is exited (code 1), not running".
  if (first!.startsWith('not ')) return fail([`${head}, ${first}`, ...rest].join('; it also '));
  return fail(`${head} but ${best.problems.join(', and ')}`);
}

function containerProblems(check: CheckOf<'container'>, container: ContainerInfo, images: ImageInfo[]): string[] {
  const problems: string[] = [];
  if (check.status !== undefined && container.status !== check.status) problems.push(`not ${check.status}`);
  if (check.name !== undefined && check.image !== undefined && !runsImage(container, check.image, images)) {
    problems.push(`runs image ${container.image}, not ${check.image}`);
  }
  if (check.exitCode !== undefined) {
    if (container.status !== 'exited') problems.push('has not exited, so it has no exit code yet');
    else if (container.exitCode !== check.exitCode) problems.push(`exited with code ${container.exitCode}, not ${check.exitCode}`);
  }
  for (const spec of check.ports ?? []) {
    const problem = portProblem(spec, container.ports);
    if (problem) problems.push(problem);
  }
  for (const network of check.networks ?? []) {
    if (!container.networks.includes(network)) {
      problems.push(`is not attached to network ${network} (only to ${container.networks.join(', ') || 'none'})`);
    }
  }
  for (const spec of check.mounts ?? []) {
    const problem = mountProblem(spec, container.mounts);
    if (problem) problems.push(problem);
  }
  for (const entry of check.env ?? []) {
    const [key, ...value] = entry.split('=');
    const actual = container.env.find((variable) => variable.split('=')[0] === key);
    if (actual === undefined) problems.push(`has no environment variable ${key}`);
    else if (value.length > 0 && actual !== entry) problems.push(`has ${actual}, not ${entry}`);
  }
  problems.push(...labelProblems(check.labels, container.labels));
  if (check.restartPolicy !== undefined && (container.restartPolicy ?? 'no') !== check.restartPolicy) {
    problems.push(`has restart policy "${container.restartPolicy ?? 'no'}", not "${check.restartPolicy}"`);
  }
  return problems;
}

function statusText(container: ContainerInfo): string {
  return container.status === 'exited' && container.exitCode !== undefined
    ? `exited (code ${container.exitCode})`
    : container.status;
}

type ParsedPort = { hostPort?: number; containerPort: number; protocol: string };

function parsePort(spec: string): ParsedPort {
  const [, host, port, protocol] = /^(?:(\d+)->)?(\d+)(?:\/(\w+))?$/.exec(spec)!;
  return { ...(host ? { hostPort: Number(host) } : {}), containerPort: Number(port), protocol: protocol ?? 'tcp' };
}

const formatPort = (port: PortBinding | ParsedPort) =>
  `${port.hostPort !== undefined ? `${port.hostPort}->` : ''}${port.containerPort}/${port.protocol}`;

function portProblem(spec: string, ports: PortBinding[]): string | undefined {
  const wanted = parsePort(spec);
  const published = ports.filter((port) => port.hostPort !== undefined);
  const sameTarget = (port: PortBinding) => port.containerPort === wanted.containerPort && port.protocol === wanted.protocol;
  if (published.some((port) => sameTarget(port) && (wanted.hostPort === undefined || port.hostPort === wanted.hostPort))) {
    return undefined;
  }
  if (published.length === 0) {
    return `publishes no port ${wanted.hostPort ?? `${wanted.containerPort}/${wanted.protocol}`}`;
  }
  const onHost = wanted.hostPort !== undefined ? published.find((port) => port.hostPort === wanted.hostPort) : undefined;
  if (onHost) return `forwards port ${wanted.hostPort} to ${onHost.containerPort}/${onHost.protocol}, not ${wanted.containerPort}/${wanted.protocol}`;
  return `publishes ${published.map(formatPort).join(', ')}, not ${formatPort(wanted)}`;
}

function mountProblem(spec: string, mounts: MountInfo[]): string | undefined {
  const arrow = spec.lastIndexOf('->');
  const source = arrow === -1 ? undefined : spec.slice(0, arrow);
  const destination = arrow === -1 ? spec : spec.slice(arrow + 2);
  const mount = mounts.find((candidate) => trimSlash(candidate.destination) === trimSlash(destination));
  if (!mount) return `mounts nothing at ${destination}`;
  if (source === undefined) return undefined;
  const isPath = source.startsWith('/') || source.startsWith('.');
  const actual = mount.type === 'volume' ? `volume ${mount.name}` : `${mount.source}`;
  if (isPath) {
    if (mount.type === 'bind' && trimSlash(mount.source) === trimSlash(source)) return undefined;
    return `mounts ${actual} at ${destination}, not the directory ${source}`;
  }
  if (mount.type === 'volume' && mount.name === source) return undefined;
  return `mounts ${actual} at ${destination}, not volume ${source}`;
}

const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

function labelProblems(expected: Record<string, string> | undefined, actual: Record<string, string>): string[] {
  return Object.entries(expected ?? {}).flatMap(([key, value]) => {
    if (!(key in actual)) return [`has no label ${key}`];
    return actual[key] === value ? [] : [`has label ${key}=${actual[key]}, not ${key}=${value}`];
  });
}

function judgeImage(check: CheckOf<'image'>, snapshot: EngineSnapshot): Outcome {
  const reference = normalizeImageRef(check.ref);
  const image = snapshot.images.find((candidate) => candidate.repoTags.includes(reference));
  if (!check.exists) return image ? fail(`image ${reference} is still there`) : pass(`there is no image ${reference}`);
  if (!image) {
    const repository = reference.slice(0, reference.lastIndexOf(':'));
    const sameRepository = snapshot.images.flatMap((candidate) => candidate.repoTags).filter((tag) => tag.startsWith(`${repository}:`));
    if (sameRepository.length > 0) return fail(`there is no image ${reference}, only ${sameRepository.join(', ')}`);
    const tags = snapshot.images.flatMap((candidate) => candidate.repoTags);
    return fail(`there is no image ${reference}: ${tags.length === 0 ? 'there are no images at all' : `the images are ${list(tags)}`}`);
  }
  const problems = labelProblems(check.labels, image.labels);
  if (check.layers) {
    const { min, max } = check.layers;
    if (image.layers === undefined) problems.push('its layer count is unknown');
    else if (max !== undefined && image.layers > max) problems.push(`has ${image.layers} layers, more than ${max}`);
    else if (min !== undefined && image.layers < min) problems.push(`has ${image.layers} layers, fewer than ${min}`);
  }
  if (check.size) {
    const { min, max } = check.size;
    if (max !== undefined && image.size > byteSize(max)) problems.push(`is ${formatBytes(image.size)}, larger than ${formatBytes(byteSize(max))}`);
    if (min !== undefined && image.size < byteSize(min)) problems.push(`is ${formatBytes(image.size)}, smaller than ${formatBytes(byteSize(min))}`);
  }
  return problems.length === 0 ? pass(`image ${reference} is there`) : fail(`image ${reference} ${problems.join(', and ')}`);
}

function judgeNetwork(check: CheckOf<'network'>, snapshot: EngineSnapshot): Outcome {
  const network = snapshot.networks.find((candidate) => candidate.name === check.name);
  if (!check.exists) return network ? fail(`network ${check.name} still exists`) : pass(`there is no network ${check.name}`);
  if (!network) return fail(`there is no network ${check.name}: the networks are ${list(snapshot.networks.map((n) => n.name))}`);
  const problems: string[] = [];
  if (check.driver !== undefined && network.driver !== check.driver) problems.push(`uses driver ${network.driver}, not ${check.driver}`);
  const missing = (check.containers ?? []).filter((name) => !network.containers.includes(name));
  if (missing.length > 0) {
    const attached = network.containers.length === 0 ? 'no container is attached' : `only ${network.containers.join(', ')} ${network.containers.length === 1 ? 'is' : 'are'}`;
    problems.push(`has no container ${missing.join(', ')} attached (${attached})`);
  }
  return problems.length === 0 ? pass(`network ${check.name} is there`) : fail(`network ${check.name} ${problems.join(', and ')}`);
}

function judgeVolume(check: CheckOf<'volume'>, snapshot: EngineSnapshot): Outcome {
  const volume = snapshot.volumes.find((candidate) => candidate.name === check.name);
  if (!check.exists) return volume ? fail(`volume ${check.name} still exists`) : pass(`there is no volume ${check.name}`);
  if (!volume) {
    const names = snapshot.volumes.map((v) => v.name);
    return fail(`there is no volume ${check.name}: ${names.length === 0 ? 'there are no volumes at all' : `the volumes are ${list(names)}`}`);
  }
  const missing = (check.usedBy ?? []).filter((name) => !volume.users.includes(name));
  if (missing.length === 0) return pass(`volume ${check.name} is there`);
  const users = volume.users.length === 0 ? 'no container uses it' : `it is used by ${volume.users.join(', ')}`;
  return fail(`volume ${check.name} is not mounted by ${missing.join(', ')} (${users})`);
}

// ---- swarm --------------------------------------------------------------------------------

function judgeSwarm(check: CheckOf<'swarm'>, snapshot: EngineSnapshot): Outcome {
  const { swarm } = snapshot;
  if (!check.active) return swarm.active ? fail(`${check.node} is still part of a swarm`) : pass(`${check.node} is not in a swarm`);
  if (!swarm.active) return fail(`${check.node} is not part of a swarm`);
  if (check.managers === undefined && check.workers === undefined) return pass(`${check.node} is in a swarm`);
  if (!swarm.manager) return fail(`${check.node} is in the swarm as a worker, so it cannot list the swarm's nodes`);
  const ready = swarm.nodes.filter((node) => node.state === 'ready');
  const count = (role: string) => ready.filter((node) => node.role === role).length;
  const problems: string[] = [];
  if (check.managers !== undefined && count('manager') !== check.managers) problems.push(`${count('manager')} ready managers, not ${check.managers}`);
  if (check.workers !== undefined && count('worker') !== check.workers) problems.push(`${count('worker')} ready workers, not ${check.workers}`);
  return problems.length === 0 ? pass('the swarm has the expected nodes') : fail(`the swarm has ${problems.join(' and ')}`);
}

function judgeSwarmNode(check: CheckOf<'node'>, snapshot: EngineSnapshot): Outcome {
  const { swarm } = snapshot;
  if (!swarm.active) return fail(`${check.node} is not part of a swarm`);
  if (!swarm.manager) return fail(`${check.node} is a worker, so it cannot see the swarm's nodes; check from a manager`);
  // A node that left and joined again is listed twice (the old entry down): judge the live one.
  const named = swarm.nodes.filter((candidate) => candidate.hostname === check.name);
  const node = named.find((candidate) => candidate.state === 'ready') ?? named[0];
  if (!node) return fail(`${check.name} has not joined the swarm: its nodes are ${list(swarm.nodes.map((n) => n.hostname))}`);
  const problems: string[] = [];
  if (check.role !== undefined && node.role !== check.role) problems.push(`is a ${node.role}, not a ${check.role}`);
  if (check.availability !== undefined && node.availability !== check.availability) problems.push(`has availability ${node.availability}, not ${check.availability}`);
  if (check.state !== undefined && node.state !== check.state) problems.push(`is ${node.state}, not ${check.state}`);
  if (check.leader !== undefined && node.leader !== check.leader) problems.push(check.leader ? 'is not the leader' : 'is the leader');
  return problems.length === 0 ? pass(`swarm node ${check.name} is as expected`) : fail(`swarm node ${check.name} ${problems.join(', and ')}`);
}

function judgeService(check: CheckOf<'service'>, snapshot: EngineSnapshot): Outcome {
  const { swarm } = snapshot;
  if (!swarm.active) return fail(`${check.node} is not part of a swarm, so it runs no services`);
  if (!swarm.manager) return fail(`${check.node} is a worker, so it cannot see services; check from a manager`);
  const service = swarm.services.find((candidate) => candidate.name === check.name);
  if (!check.exists) return service ? fail(`service ${check.name} still exists`) : pass(`there is no service ${check.name}`);
  if (!service) {
    const names = swarm.services.map((s) => s.name);
    return fail(`there is no service ${check.name}: ${names.length === 0 ? 'there are no services' : `the services are ${list(names)}`}`);
  }
  const problems: string[] = [];
  if (check.image !== undefined && !sameImage(service.image, check.image)) problems.push(`runs image ${service.image}, not ${check.image}`);
  if (check.mode !== undefined && service.mode !== check.mode) problems.push(`is ${service.mode}, not ${check.mode}`);
  if (check.replicas !== undefined) {
    const running = service.tasks.filter((task) => task.state === 'running' && task.desiredState === 'running').length;
    if (running !== check.replicas) problems.push(`has ${running} running ${running === 1 ? 'replica' : 'replicas'}, not ${check.replicas}`);
  }
  for (const spec of check.ports ?? []) {
    const problem = portProblem(spec, service.ports);
    if (problem) problems.push(problem);
  }
  for (const network of check.networks ?? []) {
    if (!service.networks.includes(network)) problems.push(`is not on network ${network}`);
  }
  const { parallelism, delay, state } = check.update ?? {};
  if (parallelism !== undefined && service.update.parallelism !== parallelism) {
    problems.push(`updates ${service.update.parallelism ?? 1} task(s) at a time, not ${parallelism}`);
  }
  if (delay !== undefined && service.update.delayMs !== durationMs(delay)) {
    problems.push(`waits ${(service.update.delayMs ?? 0) / 1000}s between updates, not ${durationMs(delay) / 1000}s`);
  }
  if (state !== undefined && service.update.state !== state) {
    const now = service.update.state ? `has its last update ${service.update.state.replace('_', ' ')}` : 'has never been updated';
    const why = service.update.message ? ` ("${service.update.message}")` : '';
    problems.push(`${now}${why}, not ${state.replace('_', ' ')}`);
  }
  return problems.length === 0 ? pass(`service ${check.name} is as expected`) : fail(`service ${check.name} ${problems.join(', and ')}`);
}

// ---- probes -------------------------------------------------------------------------------

function judgeProbe(check: CheckOf<'file' | 'script'>, result: ProbeResult): Outcome {
  if (check.type === 'script' && result.kind === 'script') {
    if (result.exitCode === 0) return pass('the check passed');
    if (check.reason) return fail(check.reason);
    const output = result.output.trim();
    if (output) return fail(output);
    return fail(result.exitCode === null ? 'the check did not finish in time' : `the check failed (exit code ${result.exitCode})`);
  }
  if (check.type !== 'file' || result.kind !== 'file') return fail('not checked yet');
  const where = check.container ? ` in container ${check.container}` : '';
  if (!check.exists) return result.exists ? fail(`${check.path} still exists${where}`) : pass(`${check.path} is gone${where}`);
  if (!result.exists) return fail(`there is no file ${check.path}${where}`);
  const content = result.content ?? '';
  if (check.contains !== undefined && !content.includes(check.contains)) return fail(`${check.path}${where} does not contain "${check.contains}"`);
  if (check.matches !== undefined && !new RegExp(check.matches, 'm').test(content)) {
    return fail(`${check.path}${where} has no line matching /${check.matches}/`);
  }
  return pass(`${check.path}${where} is as expected`);
}

// ---- wording ------------------------------------------------------------------------------

const onNode = (node: string) => (node === 'node1' ? '' : ` on ${node}`);
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Long or multi-line commands are shortened: the learner recognizes them by their start. */
function quote(command: string): string {
  const line = normalizeCommand(command);
  return `\`${line.length > 80 ? `${line.slice(0, 77)}...` : line}\``;
}

function list(items: string[], max = 6): string {
  if (items.length === 0) return 'none';
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

const names = (containers: ContainerInfo[]) => list(containers.map((container) => container.name));

function listContainers(containers: ContainerInfo[]): string {
  if (containers.length === 0) return 'there are no containers at all';
  if (containers.length === 1) return `there is 1 container: ${containers[0]!.name}`;
  return `there are ${containers.length} containers: ${names(containers)}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
