export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function sumCounts(
  counts: readonly Record<string, number>[],
): Record<string, number> {
  const total: Record<string, number> = {};
  for (const count of counts) {
    for (const [key, value] of Object.entries(count)) {
      total[key] = (total[key] ?? 0) + value;
    }
  }
  return total;
}

/** One sample in the order it was taken: which case, in which round. */
export interface TimedSample<S> {
  name: string;
  round: number;
  sample: S;
}

/**
 * Each sample of `name` against the `reference` samples taken next to it in the same round: the
 * nearest one before it and the nearest one after it (their mean when there are both). The
 * machine's neighbours slow it down for seconds to minutes at a time; a reference measured a few
 * seconds away shares nearly all of such a slowdown, one measured a round away often does not.
 * `value` is a higher-is-better figure (requests per second, requests per CPU-second).
 */
export function pairedRatios<S>(
  timeline: readonly TimedSample<S>[],
  name: string,
  reference: string,
  value: (sample: S) => number,
): number[] {
  const ratios: number[] = [];
  timeline.forEach((entry, index) => {
    if (entry.name !== name) {
      return;
    }
    const sameRoundReference = (candidate: TimedSample<S> | undefined) =>
      candidate?.name === reference && candidate.round === entry.round;
    const before = timeline.slice(0, index).reverse().find(sameRoundReference);
    const after = timeline.slice(index + 1).find(sameRoundReference);
    const neighbours = [before, after].filter(
      (candidate): candidate is TimedSample<S> => candidate !== undefined,
    );
    if (neighbours.length === 0) {
      return;
    }
    const referenceValue =
      neighbours.reduce((sum, { sample }) => sum + value(sample), 0) /
      neighbours.length;
    ratios.push(value(entry.sample) / referenceValue);
  });
  return ratios;
}
