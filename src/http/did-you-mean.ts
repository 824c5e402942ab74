/**
 * "did you mean orders.summary?" for a near-miss capability or MCP tool name: the closest candidate
 * by edit distance, ignoring case and the . / _ spelling difference, when it is close enough to be
 * a typo rather than another name.
 */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const normalize = (name: string) => name.trim().toLowerCase().replace(/[._\s-]+/g, '.');

export function closestName(given: string, candidates: readonly string[]): string | undefined {
  const target = normalize(given);
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(target, normalize(name));
    if (!best || distance < best.distance) best = { name, distance };
  }
  const allowed = Math.max(2, Math.floor(target.length / 4));
  return best && best.distance <= allowed ? best.name : undefined;
}

/** " did you mean X?" or "" (to append to a message). */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const closest = closestName(given, candidates);
  return closest === undefined ? '' : ` did you mean ${closest}?`;
}
