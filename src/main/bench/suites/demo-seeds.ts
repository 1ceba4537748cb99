// `npm run bench -- demo-seeds`: the quick demo on five world seeds it was not tuned on, each in its own data folder
// and process (two at a time: each runs ONNX Runtime on one thread), with each seed's figures beside the method's
// bounds (demo/pipeline/bounds.ts). Opt-in: about half an hour on two cores. --quick runs two seeds.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchReporter, BenchSuite } from '../suite';
import { packageRoot } from '../../platform/package-root';
import type { DemoReport } from '../../demo/pipeline/pipeline';
import { judgeDemo } from '../../demo/pipeline/bounds';

/** World seeds the demo was never tuned on (its default world is 7). */
export const BENCH_WORLD_SEEDS = [21, 22, 23, 24, 25];
const AT_ONCE = 2;

function runQuickDemo(seed: number, home: string): Promise<DemoReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(packageRoot(), 'bin', 'searchlab.mjs'),
        'demo',
        '--quick',
        '--seed',
        String(seed),
        '--json',
        '--home',
        home,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as DemoReport)
        : reject(new Error(`the demo on world seed ${seed} exited with ${code}: ${err}`)),
    );
  });
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

function reportSeed(report: BenchReporter, seed: number, demo: DemoReport): void {
  const { grpo, rag, direct, pretrained } = demo.policies;
  const verdict = judgeDemo(demo);
  const gates = demo.pretraining;
  report.add({
    name: `seed ${seed}: GRPO accuracy (against RAG)`,
    value: grpo.accuracy,
    unit: 'share',
    reference: { name: 'RAG', value: rag.accuracy },
    notes: `direct ${pct(direct.accuracy)}, pre-trained ${pct(pretrained.accuracy)}`,
  });
  report.add({
    name: `seed ${seed}: GRPO searches per question (against RAG)`,
    value: grpo.searches_per_question,
    unit: 'calls',
    reference: { name: 'RAG', value: rag.searches_per_question },
  });
  report.add({ name: `seed ${seed}: search ratio, familiar`, value: grpo.search_ratio_familiar, unit: 'share' });
  report.add({ name: `seed ${seed}: search ratio, unfamiliar`, value: grpo.search_ratio_unfamiliar, unit: 'share' });
  report.add({ name: `seed ${seed}: seconds`, value: demo.seconds, unit: 's' });
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  report.log(
    `seed ${seed}: GRPO ${pct(grpo.accuracy)} (RAG ${pct(rag.accuracy)}, direct ${pct(direct.accuracy)}, ` +
      `pre-trained ${pct(pretrained.accuracy)}); familiar ${pct(grpo.search_ratio_familiar)} [≤25% ${met(verdict.familiar)}], ` +
      `unfamiliar ${pct(grpo.search_ratio_unfamiliar)} [≥85% ${met(verdict.unfamiliar)}], accuracy ` +
      `[≥ RAG − 2 ${met(verdict.accuracy)}], ${pct(verdict.searchSaving)} fewer searches [≥30% ${met(verdict.fewerSearches)}]; ` +
      `direction ${verdict.direction ? 'kept' : 'LOST'}; pre-training gates ${gates ? (gates.passed ? 'passed' : 'short') : 'not run'}` +
      `${gates ? ` after ${gates.extraRounds} extra rounds` : ''}; ${demo.seconds.toFixed(0)} s`,
  );
}

export const demoSeedsSuite: BenchSuite = {
  name: 'demo-seeds',
  summary: 'the quick demo on five world seeds it was not tuned on, against the method bounds',
  onRequest: true,
  async run(report, { quick }) {
    const seeds = quick ? BENCH_WORLD_SEEDS.slice(0, 2) : BENCH_WORLD_SEEDS;
    const results = new Map<number, DemoReport>();
    const queue = [...seeds];
    const worker = async () => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
        const home = mkdtempSync(path.join(tmpdir(), `searchlab-demo-seed-${seed}-`));
        try {
          results.set(seed, await runQuickDemo(seed, home));
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    let all = 0;
    let direction = 0;
    for (const seed of seeds) {
      const demo = results.get(seed)!;
      reportSeed(report, seed, demo);
      const verdict = judgeDemo(demo);
      all += verdict.all ? 1 : 0;
      direction += verdict.direction ? 1 : 0;
    }
    report.add({ name: `world seeds meeting all four bounds (of ${seeds.length})`, value: all, unit: 'seeds' });
    report.add({ name: `world seeds keeping the direction (of ${seeds.length})`, value: direction, unit: 'seeds' });
  },
};
