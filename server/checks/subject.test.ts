import { describe, expect, it } from 'vitest';
import { evaluateChecks } from './evaluate';
import { Check } from '../protocol/checks';
import { checkSubject } from './subject';

const subjectOf = (check: Record<string, unknown>) => checkSubject(Check.parse(check));

describe('checkSubject', () => {
  it('names the element an engine check is about', () => {
    expect(subjectOf({ type: 'container', name: 'web', image: 'nginx' })).toEqual({ kind: 'container', name: 'web' });
    expect(subjectOf({ type: 'network', name: 'backend' })).toEqual({ kind: 'network', name: 'backend' });
    expect(subjectOf({ type: 'volume', name: 'data', exists: false })).toEqual({ kind: 'volume', name: 'data' });
    expect(subjectOf({ type: 'service', name: 'api', replicas: 3 })).toEqual({ kind: 'service', name: 'api' });
  });

  it('names images as the engine tags them (repository:tag)', () => {
    expect(subjectOf({ type: 'image', ref: 'nginx' })).toEqual({ kind: 'image', name: 'nginx:latest' });
    expect(subjectOf({ type: 'image', ref: 'docker.io/library/myapp:v2' })).toEqual({ kind: 'image', name: 'myapp:v2' });
    expect(subjectOf({ type: 'image', ref: 'registry.local:5000/team/app:1.0' })).toEqual({ kind: 'image', name: 'registry.local:5000/team/app:1.0' });
  });

  it('points a container check without a name at its image', () => {
    expect(subjectOf({ type: 'container', image: 'redis:7' })).toEqual({ kind: 'image', name: 'redis:7' });
  });

  it('has none for command, file, script, swarm and node checks', () => {
    expect(subjectOf({ type: 'command', contains: 'docker ps' })).toBeUndefined();
    expect(subjectOf({ type: 'file', path: '/etc/hosts' })).toBeUndefined();
    expect(subjectOf({ type: 'script', run: 'true' })).toBeUndefined();
    expect(subjectOf({ type: 'swarm' })).toBeUndefined();
    expect(subjectOf({ type: 'node', name: 'node2' })).toBeUndefined();
  });

  it('reaches the verdicts, whether they pass or fail', () => {
    const checks = [Check.parse({ type: 'container', name: 'web' }), Check.parse({ type: 'command', contains: 'ls' })];
    const [container, command] = evaluateChecks(checks, {}, []);
    expect(container).toMatchObject({ passed: false, subject: { kind: 'container', name: 'web' } });
    expect(command).not.toHaveProperty('subject');
  });
});
