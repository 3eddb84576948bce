import { describe, expect, it } from 'vitest';
import { BuildProgress, debootstrapLine } from './progress';

describe('BuildProgress', () => {
  it('shows steps, shortens apt downloads and drops noise', () => {
    const progress = new BuildProgress('sandbox');
    const lines = [
      'Step 3/9 : RUN apt-get update\n',
      ' ---> Running in 0123456789ab\n',
      'Get:12 http://deb.debian.org/debian trixie/main amd64 docker.io amd64 26.1.5+dfsg1-9+b9 [25.0 MB]\n',
      'Reading package lists...\n',
      'Selecting previously unselected package tini.\n',
      'Setting up tini (0.19.0-1) ...\n',
      'Removing intermediate container 0123456789ab\n',
    ].flatMap((stream) => progress.lines({ stream }));
    expect(lines).toEqual([
      '[images] building sandbox (step 3/9): RUN apt-get update',
      '[images] sandbox: apt: docker.io 26.1.5+dfsg1-9+b9 (25.0 MB)',
      '[images] sandbox: Setting up tini (0.19.0-1) ...',
    ]);
  });

  it('joins lines split across events and splits carriage returns', () => {
    const progress = new BuildProgress('nginx');
    expect(progress.lines({ stream: 'hello ' })).toEqual([]);
    expect(progress.lines({ stream: 'world\r50%\n' })).toEqual(['[images] nginx: hello world', '[images] nginx: 50%']);
  });

  it('removes the colour escapes around a step\'s error output', () => {
    const progress = new BuildProgress('x');
    expect(progress.lines({ stream: '\u001b[91mdebconf: delaying package configuration\n\u001b[0mFetched 1 MB in 1s\n' })).toEqual([
      '[images] x: Fetched 1 MB in 1s',
    ]);
  });

  it('shortens very long lines', () => {
    const [line] = new BuildProgress('x').lines({ stream: `${'a'.repeat(500)}\n` });
    expect(line!.length).toBe(160);
    expect(line!.endsWith('…')).toBe(true);
  });

  it('fails with the engine\'s error and the output that led to it', () => {
    const progress = new BuildProgress('redis');
    progress.lines({ stream: 'Step 2/4 : RUN apt-get install -y nope\n' });
    progress.lines({ stream: 'E: Unable to locate package nope\n' });
    const error = progress.failure({
      error: "The command '/bin/sh -c apt-get install -y nope' returned a non-zero code: 100",
      errorDetail: { message: "The command '/bin/sh -c apt-get install -y nope' returned a non-zero code: 100" },
    });
    expect(error.message).toMatch(/^building redis failed: The command .* returned a non-zero code: 100/);
    expect(error.message).toContain('E: Unable to locate package nope');
  });
});

describe('debootstrapLine', () => {
  it('keeps phases and drops per-package lines', () => {
    expect(debootstrapLine('trixie', 'I: Retrieving libc6 2.41-12')).toBeUndefined();
    expect(debootstrapLine('trixie', 'I: Validating apt 3.0.4')).toBeUndefined();
    expect(debootstrapLine('trixie', 'I: Base system installed successfully.')).toBe(
      '[images] debootstrap trixie: I: Base system installed successfully.',
    );
    expect(debootstrapLine('trixie', '  ')).toBeUndefined();
  });
});
