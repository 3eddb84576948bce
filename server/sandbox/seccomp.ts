/**
 * The sandbox's seccomp profile. Docker's default profile cannot be used: nested engines
 * need calls it refuses (keyctl for runc's session keyring, mount, unshare and setns without
 * its capability conditions, which do not see the user namespace). So the profile allows by
 * default and refuses, with EPERM, the calls no lesson needs and that reach the host
 * kernel's global state or widen its attack surface. The golden runs of every lesson (nested
 * engines, builds, swarm, Compose, Podman rootful and rootless) run under it.
 */

/** Refused whatever the sandbox's capabilities: each line says what the calls reach. */
export const REFUSED_SYSCALLS = [
  // loading and replacing kernels and modules
  'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module', 'create_module', 'query_module', 'get_kernel_syms',
  // eBPF programs and performance counters: kernel attack surface, host-wide tracing
  'bpf', 'perf_event_open',
  // the host's kernel log, process accounting, swap, the clock, reboot
  'syslog', 'acct', 'swapon', 'swapoff', 'reboot', 'settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex', 'stime',
  // raw I/O ports and legacy interfaces
  'iopl', 'ioperm', 'vm86', 'vm86old', 'uselib', '_sysctl', 'nfsservctl', 'lookup_dcookie',
  // file handles outside the sandbox's mounts ("shocker"), quotas of the host's file systems
  'open_by_handle_at', 'quotactl', 'quotactl_fd',
  // new keys in the kernel's keyrings (joining a session keyring, which runc does, stays allowed)
  'add_key', 'request_key',
  // io_uring: a large kernel surface no lesson needs; userfaultfd: a common exploit primitive
  'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'userfaultfd',
];

const EPERM = 1;

export function seccompProfile(): string {
  return JSON.stringify({
    defaultAction: 'SCMP_ACT_ALLOW',
    // Every ABI of the machine, so a 32-bit call cannot go around a refused 64-bit one.
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ],
    syscalls: [{ names: REFUSED_SYSCALLS, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }],
  });
}
