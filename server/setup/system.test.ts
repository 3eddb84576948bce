import { describe, expect, it } from 'vitest';
import { hasCommand, installMessage, missing, REQUIREMENTS } from './system';

describe('system requirements', () => {
  it('lists only what is absent', () => {
    const present = (command: string) => command === 'dockerd';
    expect(missing([REQUIREMENTS.engine, REQUIREMENTS.chromium], present)).toEqual([REQUIREMENTS.chromium]);
  });
  it('looks for a package of data by its file', () => {
    expect(missing([REQUIREMENTS.cjkFont], () => false)).toEqual([REQUIREMENTS.cjkFont]);
    expect(hasCommand('/')).toBe(true);
    expect(hasCommand('/no/such/font.ttc')).toBe(false);
  });
  it('says exactly what to install', () => {
    const text = installMessage([REQUIREMENTS.engine, REQUIREMENTS.debootstrap]);
    expect(text).toContain('apt-get install -y docker.io debootstrap');
    expect(text).toContain('DOCKER_HOST');
  });
});
