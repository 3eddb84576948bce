import { describe, expect, it } from 'vitest';
import { installMessage, missing, REQUIREMENTS } from './system';

describe('system requirements', () => {
  it('lists only what is absent', () => {
    const present = (command: string) => command === 'dockerd';
    expect(missing([REQUIREMENTS.engine, REQUIREMENTS.chromium], present)).toEqual([REQUIREMENTS.chromium]);
  });
  it('says exactly what to install', () => {
    const text = installMessage([REQUIREMENTS.engine, REQUIREMENTS.debootstrap]);
    expect(text).toContain('apt-get install -y docker.io debootstrap');
    expect(text).toContain('DOCKER_HOST');
  });
});
