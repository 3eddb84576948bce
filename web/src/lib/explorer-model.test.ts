import { describe, expect, it } from 'vitest';
import { changeLabel, formatSize, portHref, previewablePorts, removedNames, unpublishedPorts } from './explorer-model';

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
