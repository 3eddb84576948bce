/**
 * Keyboard moves in a tab list, as the ARIA tabs pattern has them: the arrow keys go to the
 * next or previous tab (wrapping round), Home and End to the first and last.
 */
export function tabAfterKey<T>(ids: readonly T[], current: T, key: string): T | undefined {
  const index = ids.indexOf(current);
  if (ids.length === 0 || index < 0) return undefined;
  switch (key) {
    case 'ArrowRight':
      return ids[(index + 1) % ids.length];
    case 'ArrowLeft':
      return ids[(index + ids.length - 1) % ids.length];
    case 'Home':
      return ids[0];
    case 'End':
      return ids[ids.length - 1];
    default:
      return undefined;
  }
}
