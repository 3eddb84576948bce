import { describe, expect, it } from 'vitest';
import { EngineEvent, engineTimeNano, targetsOf } from './events';
import { APP_NET_ID, APP_STACK, DB_ID, EXEC_IN_WEB, HELLO_ID, RM_WEB, RUN_HELLO_RM, RUN_WEB, SERVICE_CREATE, TAG_UNTAG, TASK_ID, WEB_ID } from './fixtures/events';

const targets = (events: EngineEvent[]) => events.map((event) => [event.Action, targetsOf(event)]);

describe('targetsOf', () => {
  it('reads every recorded event as the engine sends it', () => {
    for (const sequence of [RUN_WEB, RM_WEB, RUN_HELLO_RM, APP_STACK, EXEC_IN_WEB, TAG_UNTAG, SERVICE_CREATE]) {
      for (const event of sequence()) expect(EngineEvent.safeParse(JSON.parse(JSON.stringify(event))).success).toBe(true);
    }
  });

  it('re-reads a container on its lifecycle and its network (dis)connections', () => {
    expect(targets(RUN_WEB())).toEqual([
      ['pull', [{ what: 'images' }]],
      ['create', [{ what: 'container', id: WEB_ID }]],
      ['connect', [{ what: 'container', id: WEB_ID }]],
      ['start', [{ what: 'container', id: WEB_ID }]],
    ]);
    expect(targets(RM_WEB())).toEqual([
      // The kill is followed by die when it stops the container, and by nothing when it does not.
      ['kill', []],
      ['die', [{ what: 'container', id: WEB_ID }]],
      ['disconnect', [{ what: 'container', id: WEB_ID }]],
      ['destroy', [{ what: 'container', id: WEB_ID }]],
    ]);
    expect(targets(RUN_HELLO_RM()).filter(([, t]) => (t as unknown[]).length === 0)).toEqual([['attach', []]]);
    expect(targetsOf(RUN_HELLO_RM()[6]!)).toEqual([{ what: 'container', id: HELLO_ID }]);
  });

  it('re-reads networks and volumes on create and destroy only', () => {
    expect(targets(APP_STACK())).toEqual([
      ['create', [{ what: 'network', id: APP_NET_ID }]],
      ['create', [{ what: 'volume', id: 'data' }]],
      ['create', [{ what: 'container', id: DB_ID }]],
      ['connect', [{ what: 'container', id: DB_ID }]],
      ['mount', []],
      ['start', [{ what: 'container', id: DB_ID }]],
    ]);
  });

  it('ignores exec and re-reads the image list on tag changes', () => {
    expect(EXEC_IN_WEB().flatMap(targetsOf)).toEqual([]);
    expect(TAG_UNTAG().flatMap(targetsOf)).toEqual([{ what: 'images' }, { what: 'images' }]);
  });

  it('re-reads the swarm on service events and task containers', () => {
    expect(targets(SERVICE_CREATE())).toEqual([
      ['create', [{ what: 'swarm' }]],
      ['create', [{ what: 'container', id: TASK_ID }, { what: 'swarm' }]],
      ['start', [{ what: 'container', id: TASK_ID }, { what: 'swarm' }]],
    ]);
  });

  it('touches nothing for types it does not know', () => {
    expect(targetsOf({ Type: 'plugin', Action: 'enable', Actor: { ID: 'x' } })).toEqual([]);
    expect(targetsOf({ Type: 'daemon', Action: 'reload' })).toEqual([]);
  });
});

describe('engineTimeNano', () => {
  it('reads the engine clock to the nanosecond', () => {
    expect(engineTimeNano('2024-05-01T10:00:00.000000001Z')).toBe(1714557600e9 + 1);
    expect(engineTimeNano('2024-05-01T12:00:00.5+02:00')).toBe(1714557600.5e9);
    expect(engineTimeNano('2024-05-01T10:00:00Z')).toBe(1714557600e9);
    expect(() => engineTimeNano('yesterday')).toThrow(/Not an engine time/);
  });
});
