/**
 * A readable summary of `docker inspect` for the explorer's details pane: the few facts a
 * learner looks for, as labelled lines, before the raw JSON. Pure: Engine API JSON in,
 * DetailsView out. The JSON is read leniently (engines differ; absent fields are skipped).
 */
import { formatSize } from '../protocol/format';
import { shortId, type DetailsView, type ObjectKind } from '../protocol/explorer';

/** The raw JSON is kept to this many characters; inspect output can be very long. */
export const RAW_DETAILS_MAX_CHARS = 20_000;

type Json = Record<string, unknown>;
type Field = DetailsView['fields'][number];

const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

function field(fields: Field[], label: string, value: string | undefined): void {
  if (value) fields.push({ label, value });
}


const commandLine = (parts: unknown): string =>
  arr(parts)
    .map(str)
    .map((part) => (/[\s"']/.test(part) ? JSON.stringify(part) : part))
    .join(' ');

function rawJson(inspect: unknown): string {
  const text = JSON.stringify(inspect, null, 2);
  return text.length > RAW_DETAILS_MAX_CHARS ? `${text.slice(0, RAW_DETAILS_MAX_CHARS)}\n… (shortened)` : text;
}

function containerFields(inspect: Json): { title: string; fields: Field[] } {
  const fields: Field[] = [];
  const state = obj(inspect['State']);
  const config = obj(inspect['Config']);
  const host = obj(inspect['HostConfig']);
  const settings = obj(inspect['NetworkSettings']);
  const name = str(inspect['Name']).replace(/^\//, '');
  const status = str(state['Status']);
  field(fields, 'Status', status === 'exited' ? `exited (code ${str(state['ExitCode'])})` : status);
  field(fields, 'Image', str(config['Image']));
  field(fields, 'Command', commandLine([...arr(config['Entrypoint']), ...arr(config['Cmd'])]));
  field(fields, 'Started', status === 'running' ? str(state['StartedAt']) : undefined);
  field(fields, 'Finished', status === 'exited' ? str(state['FinishedAt']) : undefined);
  const ports = Object.entries(obj(settings['Ports'])).flatMap(([port, bindings]) => {
    const published = arr(bindings).map((b) => str(obj(b)['HostPort'])).filter(Boolean);
    return published.length > 0 ? [...new Set(published)].map((hostPort) => `${hostPort} → ${port}`) : [`${port} (not published)`];
  });
  field(fields, 'Ports', ports.join(', '));
  const networks = Object.entries(obj(settings['Networks'])).map(([network, endpoint]) => {
    const address = str(obj(endpoint)['IPAddress']);
    return address ? `${network} (${address})` : network;
  });
  field(fields, 'Networks', networks.join(', '));
  const mounts = arr(inspect['Mounts']).map((m) => {
    const mount = obj(m);
    const source = str(mount['Type']) === 'volume' ? `volume ${str(mount['Name'])}` : str(mount['Source']);
    return `${source} → ${str(mount['Destination'])}${mount['RW'] === false ? ' (read-only)' : ''}`;
  });
  field(fields, 'Mounts', mounts.join(', '));
  const restart = str(obj(host['RestartPolicy'])['Name']);
  field(fields, 'Restart', restart && restart !== 'no' ? restart : undefined);
  field(fields, 'Environment', arr(config['Env']).length > 0 ? `${arr(config['Env']).length} variables` : undefined);
  field(fields, 'ID', shortId(str(inspect['Id'])));
  return { title: `container ${name}`, fields };
}

function imageFields(inspect: Json): { title: string; fields: Field[] } {
  const fields: Field[] = [];
  const config = obj(inspect['Config']);
  const tags = arr(inspect['RepoTags']).map(str);
  field(fields, 'Tags', tags.join(', ') || '<none>');
  field(fields, 'ID', shortId(str(inspect['Id'])));
  const size = inspect['Size'];
  field(fields, 'Size', typeof size === 'number' ? formatSize(size) : undefined);
  field(fields, 'Created', str(inspect['Created']));
  field(fields, 'Layers', String(arr(obj(inspect['RootFS'])['Layers']).length));
  field(fields, 'Entrypoint', commandLine(config['Entrypoint']));
  field(fields, 'Command', commandLine(config['Cmd']));
  field(fields, 'Exposes', Object.keys(obj(config['ExposedPorts'])).join(', '));
  field(fields, 'Working dir', str(config['WorkingDir']));
  return { title: `image ${tags[0] ?? shortId(str(inspect['Id']))}`, fields };
}

function networkFields(inspect: Json): { title: string; fields: Field[] } {
  const fields: Field[] = [];
  field(fields, 'Driver', str(inspect['Driver']));
  field(fields, 'Scope', str(inspect['Scope']));
  const subnets = arr(obj(inspect['IPAM'])['Config']).map((c) => {
    const config = obj(c);
    const gateway = str(config['Gateway']);
    return `${str(config['Subnet'])}${gateway ? ` (gateway ${gateway})` : ''}`;
  });
  field(fields, 'Subnet', subnets.join(', '));
  field(fields, 'Internal', inspect['Internal'] === true ? 'yes: no way out' : undefined);
  const containers = Object.values(obj(inspect['Containers'])).map((c) => {
    const endpoint = obj(c);
    const address = str(endpoint['IPv4Address']);
    return address ? `${str(endpoint['Name'])} (${address})` : str(endpoint['Name']);
  });
  field(fields, 'Containers', containers.join(', ') || 'none');
  field(fields, 'ID', shortId(str(inspect['Id'])));
  return { title: `network ${str(inspect['Name'])}`, fields };
}

function volumeFields(inspect: Json, users: readonly string[]): { title: string; fields: Field[] } {
  const fields: Field[] = [];
  field(fields, 'Driver', str(inspect['Driver']));
  field(fields, 'Created', str(inspect['CreatedAt']));
  field(fields, 'Used by', users.join(', ') || 'no container');
  field(fields, 'Mountpoint', str(inspect['Mountpoint']));
  return { title: `volume ${str(inspect['Name'])}`, fields };
}

function serviceFields(inspect: Json): { title: string; fields: Field[] } {
  const fields: Field[] = [];
  const spec = obj(inspect['Spec']);
  const mode = obj(spec['Mode']);
  const replicas = obj(mode['Replicated'])['Replicas'];
  field(fields, 'Image', str(obj(obj(spec['TaskTemplate'])['ContainerSpec'])['Image']).replace(/@sha256:.*$/, ''));
  field(fields, 'Mode', 'Global' in mode ? 'global' : `replicated, ${str(replicas)} replicas`);
  const ports = arr(obj(inspect['Endpoint'])['Ports']).map((p) => {
    const port = obj(p);
    return `${str(port['PublishedPort'])} → ${str(port['TargetPort'])}/${str(port['Protocol'])}`;
  });
  field(fields, 'Ports', ports.join(', '));
  field(fields, 'ID', shortId(str(inspect['ID'])));
  return { title: `service ${str(spec['Name'])}`, fields };
}

/** The summary of one inspected object; `users` (volumes only) are the containers mounting it. */
export function detailsOf(node: string, kind: ObjectKind, id: string, inspect: unknown, users: readonly string[] = []): DetailsView {
  const json = obj(inspect);
  const { title, fields } =
    kind === 'container'
      ? containerFields(json)
      : kind === 'image'
        ? imageFields(json)
        : kind === 'network'
          ? networkFields(json)
          : kind === 'volume'
            ? volumeFields(json, users)
            : serviceFields(json);
  return { node, kind, id, title, fields, raw: rawJson(inspect) };
}

/** What the details pane says about an object that is gone. */
export function missingDetails(node: string, kind: ObjectKind, id: string): DetailsView {
  return { node, kind, id, title: `${kind} ${id}`, fields: [{ label: 'Gone', value: `This ${kind} no longer exists.` }], missing: true };
}
