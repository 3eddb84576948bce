/**
 * What a check is about, as the explorer names it: the element a failing check can point at
 * in the picture of the learner's engine. Derived from the check alone, never from the engine.
 */
import { normalizeImageRef } from '../engine-state/image-ref';
import type { Check } from '../protocol/checks';

export type CheckSubject = { kind: 'container' | 'image' | 'network' | 'volume' | 'service'; name: string };

/** Command, file, script, swarm and node checks are about no element of the explorer. */
export function checkSubject(check: Check): CheckSubject | undefined {
  switch (check.type) {
    case 'container':
      if (check.name !== undefined) return { kind: 'container', name: check.name };
      return check.image !== undefined ? { kind: 'image', name: normalizeImageRef(check.image) } : undefined;
    case 'image':
      // The explorer lists tags as the engine does: "nginx:latest", not "nginx".
      return { kind: 'image', name: normalizeImageRef(check.ref) };
    case 'network':
    case 'volume':
    case 'service':
      return { kind: check.type, name: check.name };
    default:
      return undefined;
  }
}
