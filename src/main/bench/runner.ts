// Runs the suites, prints one table and then the JSON document (also written to a file when asked).
import fs from 'node:fs';
import os from 'node:os';
import type { CliContext } from '../cli/command';
import type { BenchRow } from './suite';
import { suites } from './suites';

export async function runBenchmarks(
  options: { only: string[]; quick: boolean; jsonOut?: string },
  ctx: CliContext,
): Promise<number> {
  const chosen = options.only.length
    ? suites.filter((s) => options.only.includes(s.name))
    : suites.filter((s) => !s.onRequest);
  const unknown = options.only.filter((name) => !suites.some((s) => s.name === name));
  if (unknown.length) {
    ctx.err(`Unknown suite(s): ${unknown.join(', ')}. Known: ${suites.map((s) => s.name).join(', ') || 'none'}`);
    return 2;
  }
  const rows: BenchRow[] = [];
  for (const suite of chosen) {
    ctx.err(`# ${suite.name}: ${suite.summary}`);
    await suite.run(
      {
        add: (row) =>
          rows.push({ ...row, suite: suite.name, ratio: row.reference ? row.value / row.reference.value : undefined }),
        log: (line) => ctx.err(`  ${line}`),
      },
      { quick: options.quick },
    );
  }
  const table = [['suite', 'benchmark', 'value', 'unit', 'reference', 'ratio']];
  for (const r of rows) {
    table.push([
      r.suite,
      r.name,
      formatNumber(r.value),
      r.unit,
      r.reference ? `${r.reference.name} ${formatNumber(r.reference.value)}` : '',
      r.ratio === undefined ? '' : r.ratio.toFixed(2) + '×',
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table)
    ctx.out(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
  const doc = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.versions.node },
    quick: options.quick,
    rows,
  };
  ctx.out(JSON.stringify(doc));
  if (options.jsonOut) fs.writeFileSync(options.jsonOut, JSON.stringify(doc, null, 2));
  return 0;
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}
