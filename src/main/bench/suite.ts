// `npm run bench`: every suite adds rows; the runner prints one table and one JSON document.
// Targets are ratios against a reference measured in the same run, never absolute numbers in tests.
export interface BenchRow {
  suite: string;
  name: string;
  value: number;
  unit: string;
  /** A reference measured in the same run (another implementation, a baseline), if any. */
  reference?: { name: string; value: number };
  /** value / reference.value, when a reference exists. */
  ratio?: number;
  notes?: string;
}

export interface BenchReporter {
  add(row: Omit<BenchRow, 'suite' | 'ratio'>): void;
  log(line: string): void;
}

export interface BenchSuite {
  name: string;
  summary: string;
  /** Runs only when named (`npm run bench -- NAME`): for suites too large for every run. */
  onRequest?: boolean;
  run(report: BenchReporter, options: { quick: boolean }): Promise<void>;
}
