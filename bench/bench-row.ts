/** One line of the benchmark table. */
export interface BenchRow {
  benchmark: string;
  measure: string;
  value: string;
  baseline?: string;
  ratio?: string;
  notes?: string;
}

/** Formats a ratio with two decimals, e.g. `1.37×`. */
export function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`;
}

/** The p-th percentile of samples (sorted copy). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Peak RSS sampler: call stop() for the highest resident set size seen, in MiB. */
export function sampleMemory(intervalMs = 20): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return Math.round(peak / 1024 / 1024);
    },
  };
}
