import { describe, expect, it } from 'vitest';
import { changeLabel, checkLabel, checksAbout, failingChecks, formatSize, portHref, previewablePorts, removedNames, unpublishedPorts } from './explorer-model';

describe('explorer model', () => {
  it('lists published TCP ports once each, as preview links', () => {
    const ports = [
      { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '0.0.0.0' },
      { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '::' },
      { containerPort: 53, protocol: 'udp', hostPort: 5353 },
      { containerPort: 443, protocol: 'tcp' },
    ];
    expect(previewablePorts(ports)).toEqual([{ hostPort: 8080, label: '8080 → 80' }]);
    expect(unpublishedPorts(ports)).toEqual(['443/tcp']);
    expect(portHref('node1', 8080)).toBe('/preview/node1/8080/');
  });

  it('formats sizes and change labels', () => {
    expect(formatSize(187_654_321)).toBe('188 MB');
    expect(formatSize(4_200)).toBe('4.2 KB');
    expect(changeLabel('+')).toBe('created by the last command');
    expect(changeLabel(undefined)).toBeUndefined();
    expect(removedNames([{ op: '-', kind: 'container', name: 'old' }, { op: '+', kind: 'container', name: 'web' }], 'container')).toEqual(['old']);
  });
});

describe('failing checks', () => {
  const verdicts = [
    { title: 'Create container web', passed: false, reason: 'no container web', subject: { kind: 'container' as const, name: 'web' } },
    { title: 'Network app exists', passed: true, reason: 'it does', subject: { kind: 'network' as const, name: 'app' } },
    { title: 'Image nginx:latest is present', passed: false, reason: 'not pulled', subject: { kind: 'image' as const, name: 'nginx:latest' } },
    { title: 'Run `docker ps`', passed: false, reason: 'not yet' },
    { title: 'A file', passed: false, reason: 'not checked yet', pending: true, subject: { kind: 'volume' as const, name: 'v' } },
  ];

  it('keep the failing verdicts that name an element', () => {
    expect(failingChecks(verdicts)).toEqual([
      { kind: 'container', name: 'web', title: 'Create container web' },
      { kind: 'image', name: 'nginx:latest', title: 'Image nginx:latest is present' },
    ]);
  });

  it('match an element by kind and name, an image by any of its tags', () => {
    const failing = failingChecks(verdicts);
    expect(checksAbout(failing, 'container', 'web')).toHaveLength(1);
    expect(checksAbout(failing, 'network', 'web')).toHaveLength(0);
    expect(checksAbout(failing, 'image', ['nginx:1.27', 'nginx:latest'])).toHaveLength(1);
    expect(checksAbout(failing, 'network', 'app')).toHaveLength(0);
    expect(checkLabel(checksAbout(failing, 'container', 'web'))).toBe('check: Create container web');
  });
});
