import { describe, expect, it } from 'vitest';
import { APP_NET_ID, WEB_ID } from './fixtures/events';
import { FRESH, NGINX, POSTGRES, WEB, modelOf, network } from './fixtures/snapshots';
import { applyRead, snapshotOf, type ServiceRecord } from './model';

const SEARCH: ServiceRecord = {
  id: 'svc1',
  name: 'search',
  image: 'nginx:latest',
  mode: 'replicated',
  replicas: 1,
  ports: [],
  networkIds: [APP_NET_ID],
  update: {},
  tasks: [],
};

describe('applyRead', () => {
  it('keeps the same model when a read finds what it holds', () => {
    const model = modelOf({ ...FRESH, containers: [WEB], images: [NGINX] });
    expect(applyRead(model, { what: 'container', id: WEB_ID, info: { ...WEB } })).toBe(model);
    expect(applyRead(model, { what: 'container', id: 'gone', info: null })).toBe(model);
    expect(applyRead(model, { what: 'images', images: [{ ...NGINX, layers: undefined }] })).toBe(model);
    expect(applyRead(model, { what: 'membership', active: false, manager: false })).toBe(model);
  });

  it('keeps an updated object in its place and adds new ones last', () => {
    const other = { ...WEB, id: 'other', name: 'other' };
    const model = modelOf({ ...FRESH, containers: [WEB, other] });
    const renamed = applyRead(model, { what: 'container', id: WEB_ID, info: { ...WEB, name: 'site' } });
    expect(renamed.containers.map((c) => c.name)).toEqual(['site', 'other']);
    const added = applyRead(renamed, { what: 'container', id: 'new', info: { ...WEB, id: 'new', name: 'new' } });
    expect(added.containers.map((c) => c.name)).toEqual(['site', 'other', 'new']);
  });

  it('keeps the layers it knows of images read without an inspection', () => {
    const model = modelOf({ ...FRESH, images: [{ ...NGINX, layers: 7 }] });
    const pulled = applyRead(model, { what: 'images', images: [{ ...NGINX, layers: undefined }, { ...POSTGRES, layers: 12 }] });
    expect(pulled.images.map((image) => image.layers)).toEqual([7, 12]);
  });

  it('forgets the swarm lists of an engine that no longer manages one', () => {
    const model = modelOf(FRESH);
    const managing = { ...model, swarm: { active: true, manager: true, nodes: [], services: [SEARCH] } };
    expect(applyRead(managing, { what: 'membership', active: true, manager: true })).toBe(managing);
    expect(applyRead(managing, { what: 'membership', active: true, manager: false }).swarm).toEqual({ active: true, manager: false, nodes: [], services: [] });
  });
});

describe('snapshotOf', () => {
  it("names a service's networks from the network list, whichever was read first", () => {
    const model = { ...modelOf(FRESH), swarm: { active: true, manager: true, nodes: [], services: [SEARCH] } };
    expect(snapshotOf(model).swarm.services[0]?.networks).toEqual([APP_NET_ID]);
    const withNetwork = applyRead(model, { what: 'network', id: APP_NET_ID, info: network('appnet', APP_NET_ID, 'overlay') });
    expect(snapshotOf(withNetwork).swarm.services[0]?.networks).toEqual(['appnet']);
  });
});
