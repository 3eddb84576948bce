/**
 * A readable summary of `docker inspect` for the explorer's details pane: the few facts a
 * learner looks for, as labelled lines, before the raw JSON. Pure: Engine API JSON in,
 * DetailsView out. The JSON is read leniently (engines differ; absent fields are skipped).
 * Labels and the words around values are in the learner's locale; values stay as the engine has them.
 */
import { joinList, translator, type PlainKey, type Say } from '../common/i18n';
import { formatSize } from '../protocol/format';
import { shortId, type DetailsView, type ObjectKind } from '../protocol/explorer';
import type { Locale } from '../protocol/locale';

/** The raw JSON is kept to this many characters; inspect output can be very long. */
export const RAW_DETAILS_MAX_CHARS = 20_000;

type Json = Record<string, unknown>;
type Field = DetailsView['fields'][number];

const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** The labelled lines of one summary, labelled in the locale; empty values are left out. */
class Fields {
  readonly list: Field[] = [];
  constructor(readonly say: Say) {}

  add(label: Extract<PlainKey, `details.${string}`>, value: string | undefined): void {
    if (value) this.list.push({ label: this.say(label), value });
  }
}

/** Each summary names its object (the details' title) and fills its fields. */
type Summary = (inspect: Json, fields: Fields, users: readonly string[]) => string;

const commandLine = (parts: unknown): string =>
  arr(parts)
    .map(str)
    .map((part) => (/[\s"']/.test(part) ? JSON.stringify(part) : part))
    .join(' ');

function rawJson(inspect: unknown, say: Say): string {
  const text = JSON.stringify(inspect, null, 2);
  return text.length > RAW_DETAILS_MAX_CHARS ? `${text.slice(0, RAW_DETAILS_MAX_CHARS)}\n${say('details.shortened')}` : text;
}

const containerFields: Summary = (inspect, fields) => {
  const { say } = fields;
  const state = obj(inspect['State']);
  const config = obj(inspect['Config']);
  const host = obj(inspect['HostConfig']);
  const settings = obj(inspect['NetworkSettings']);
  const status = str(state['Status']);
  fields.add('details.status', status === 'exited' ? say('status.exited', { code: str(state['ExitCode']) }) : status);
  fields.add('details.image', str(config['Image']));
  fields.add('details.command', commandLine([...arr(config['Entrypoint']), ...arr(config['Cmd'])]));
  fields.add('details.started', status === 'running' ? str(state['StartedAt']) : undefined);
  fields.add('details.finished', status === 'exited' ? str(state['FinishedAt']) : undefined);
  const ports = Object.entries(obj(settings['Ports'])).flatMap(([port, bindings]) => {
    const published = arr(bindings).map((b) => str(obj(b)['HostPort'])).filter(Boolean);
    return published.length > 0 ? [...new Set(published)].map((hostPort) => `${hostPort} → ${port}`) : [say('details.notPublished', { port })];
  });
  fields.add('details.ports', joinList(say, ports, ''));
  const networks = Object.entries(obj(settings['Networks'])).map(([network, endpoint]) => {
    const address = str(obj(endpoint)['IPAddress']);
    return address ? `${network} (${address})` : network;
  });
  fields.add('details.networks', joinList(say, networks, ''));
  const mounts = arr(inspect['Mounts']).map((m) => {
    const mount = obj(m);
    const source = str(mount['Type']) === 'volume' ? say('mount.volume', { name: str(mount['Name']) }) : str(mount['Source']);
    return `${source} → ${str(mount['Destination'])}${mount['RW'] === false ? say('details.readOnly') : ''}`;
  });
  fields.add('details.mounts', joinList(say, mounts, ''));
  const restart = str(obj(host['RestartPolicy'])['Name']);
  fields.add('details.restart', restart && restart !== 'no' ? restart : undefined);
  const variables = arr(config['Env']).length;
  fields.add('details.environment', variables > 0 ? say('details.variables', { count: variables }) : undefined);
  fields.add('details.id', shortId(str(inspect['Id'])));
  return str(inspect['Name']).replace(/^\//, '');
};

const imageFields: Summary = (inspect, fields) => {
  const { say } = fields;
  const config = obj(inspect['Config']);
  const tags = arr(inspect['RepoTags']).map(str);
  fields.add('details.tags', joinList(say, tags, '<none>'));
  fields.add('details.id', shortId(str(inspect['Id'])));
  const size = inspect['Size'];
  fields.add('details.size', typeof size === 'number' ? formatSize(size) : undefined);
  fields.add('details.created', str(inspect['Created']));
  fields.add('details.layers', String(arr(obj(inspect['RootFS'])['Layers']).length));
  fields.add('details.entrypoint', commandLine(config['Entrypoint']));
  fields.add('details.command', commandLine(config['Cmd']));
  fields.add('details.exposes', joinList(say, Object.keys(obj(config['ExposedPorts'])), ''));
  fields.add('details.workingDir', str(config['WorkingDir']));
  return tags[0] ?? shortId(str(inspect['Id']));
};

const networkFields: Summary = (inspect, fields) => {
  const { say } = fields;
  fields.add('details.driver', str(inspect['Driver']));
  fields.add('details.scope', str(inspect['Scope']));
  const subnets = arr(obj(inspect['IPAM'])['Config']).map((c) => {
    const config = obj(c);
    const subnet = str(config['Subnet']);
    const gateway = str(config['Gateway']);
    return gateway ? say('details.gateway', { subnet, gateway }) : subnet;
  });
  fields.add('details.subnet', joinList(say, subnets, ''));
  fields.add('details.internal', inspect['Internal'] === true ? say('details.noWayOut') : undefined);
  const containers = Object.values(obj(inspect['Containers'])).map((c) => {
    const endpoint = obj(c);
    const address = str(endpoint['IPv4Address']);
    return address ? `${str(endpoint['Name'])} (${address})` : str(endpoint['Name']);
  });
  fields.add('details.containers', joinList(say, containers));
  fields.add('details.id', shortId(str(inspect['Id'])));
  return str(inspect['Name']);
};

const volumeFields: Summary = (inspect, fields, users) => {
  const { say } = fields;
  fields.add('details.driver', str(inspect['Driver']));
  fields.add('details.created', str(inspect['CreatedAt']));
  fields.add('details.usedBy', joinList(say, users, say('details.noContainer')));
  fields.add('details.mountpoint', str(inspect['Mountpoint']));
  return str(inspect['Name']);
};

const serviceFields: Summary = (inspect, fields) => {
  const { say } = fields;
  const spec = obj(inspect['Spec']);
  const mode = obj(spec['Mode']);
  const replicas = str(obj(mode['Replicated'])['Replicas']);
  fields.add('details.image', str(obj(obj(spec['TaskTemplate'])['ContainerSpec'])['Image']).replace(/@sha256:.*$/, ''));
  fields.add('details.mode', 'Global' in mode ? 'global' : say('details.replicated', { replicas }));
  const ports = arr(obj(inspect['Endpoint'])['Ports']).map((p) => {
    const port = obj(p);
    return `${str(port['PublishedPort'])} → ${str(port['TargetPort'])}/${str(port['Protocol'])}`;
  });
  fields.add('details.ports', joinList(say, ports, ''));
  fields.add('details.id', shortId(str(inspect['ID'])));
  return str(spec['Name']);
};

const SUMMARIES: Record<ObjectKind, Summary> = {
  container: containerFields,
  image: imageFields,
  network: networkFields,
  volume: volumeFields,
  service: serviceFields,
};

const titleOf = (say: Say, kind: ObjectKind, name: string) => say('object', { kind: say(`kind.${kind}`), name });

/** The summary of one inspected object, in `locale`; `users` (volumes only) are the containers mounting it. */
export function detailsOf(node: string, kind: ObjectKind, id: string, inspect: unknown, locale: Locale, users: readonly string[] = []): DetailsView {
  const say = translator(locale);
  const fields = new Fields(say);
  const name = SUMMARIES[kind](obj(inspect), fields, users);
  return { node, kind, id, title: titleOf(say, kind, name), fields: fields.list, raw: rawJson(inspect, say) };
}

/** What the details pane says about an object that is gone. */
export function missingDetails(node: string, kind: ObjectKind, id: string, locale: Locale): DetailsView {
  const say = translator(locale);
  const fields = [{ label: say('details.gone'), value: say('details.goneText', { kind: say(`kind.${kind}`) }) }];
  return { node, kind, id, title: titleOf(say, kind, id), fields, missing: true };
}
