import { describe, expect, it } from 'vitest';
import { REFUSED_SYSCALLS, seccompProfile } from './seccomp';

describe('the sandbox seccomp profile', () => {
  const profile = JSON.parse(seccompProfile()) as { defaultAction: string; archMap: Array<{ architecture: string; subArchitectures: string[] }>; syscalls: Array<{ names: string[]; action: string; errnoRet: number }> };

  it('refuses the calls that reach the host kernel’s global state with EPERM', () => {
    for (const call of ['kexec_load', 'init_module', 'finit_module', 'bpf', 'perf_event_open', 'syslog', 'open_by_handle_at', 'io_uring_setup']) {
      expect(REFUSED_SYSCALLS).toContain(call);
    }
    expect(profile.syscalls).toEqual([{ names: REFUSED_SYSCALLS, action: 'SCMP_ACT_ERRNO', errnoRet: 1 }]);
  });

  it('allows what nested engines need: mount, unshare, setns, keyctl, pivot_root, clone', () => {
    expect(profile.defaultAction).toBe('SCMP_ACT_ALLOW');
    for (const call of ['mount', 'umount2', 'unshare', 'setns', 'keyctl', 'pivot_root', 'clone', 'clone3']) expect(REFUSED_SYSCALLS).not.toContain(call);
  });

  it('covers the 32-bit ABIs too', () => {
    expect(profile.archMap.find((entry) => entry.architecture === 'SCMP_ARCH_X86_64')?.subArchitectures).toEqual(['SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });
});
