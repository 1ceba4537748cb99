import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { runJobInForeground } from '../foreground';
import type { DemoReport } from '../../demo/pipeline/pipeline';
import { describeGates } from '../../demo/pipeline/gates';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function demoTable(report: DemoReport): string[] {
  const rows = [['policy', 'accuracy', 'search (familiar)', 'search (unfamiliar)', 'searches / question']];
  for (const [name, p] of Object.entries(report.policies))
    rows.push([
      name,
      pct(p.accuracy),
      pct(p.search_ratio_familiar),
      pct(p.search_ratio_unfamiliar),
      p.searches_per_question.toFixed(2),
    ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const gates = report.pretraining?.checks.at(-1);
  return [
    ...rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')),
    '',
    `world ${report.world.seed}: ${report.world.entities} species (${report.world.familiar} familiar), ${report.world.questions_test} test questions; ` +
      `GRPO run ${report.run.id}: ${report.run.steps} steps, ` +
      `mean reward ${report.run.reward_first.toFixed(3)} → ${report.run.reward_last.toFixed(3)}; ${report.seconds.toFixed(0)} s`,
    `GRPO evaluated at step ${report.run.evaluated_step}, the checkpoint that says "not seen" of the most never-shown ` +
      `look-alikes (${report.run.candidates.map((c) => `step ${c.step}: ${pct(c.unseen_lookalikes)}`).join(', ')})`,
    ...(gates
      ? [`pre-training gates (${report.pretraining!.checks.length} checks): ${describeGates(gates.figures)}`]
      : []),
    ...(report.pretraining && !report.pretraining.passed
      ? [
          `Warning: pre-training ended, after ${report.pretraining!.extraRounds} extra rounds, with a skill still ` +
            'short of its threshold, so GRPO started from a model that ' +
            (gates?.copyingPassed ? 'cannot yet tell the species it has seen' : 'cannot yet copy from search results') +
            '; expect weak figures.',
        ]
      : []),
  ];
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Run the demo world from scratch: build it, pre-train the tiny model, GRPO, evaluate against baselines',
  usage: 'searchlab demo [--quick] [--seed N] [--no-search-penalty] [--unbalanced] [--json] [--home DIR]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        ...commonOptions,
        quick: { type: 'boolean', default: false },
        'no-search-penalty': { type: 'boolean', default: false },
        unbalanced: { type: 'boolean', default: false },
        seed: { type: 'string' },
      },
      false,
    );
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31))
      throw new UsageError(`--seed must be a whole number from 0 to ${2 ** 31 - 1}, not "${values.seed}"`);
    return withEngine(values.home, ctx, async (engine) => {
      if (engine.store.repos.datasets.exists('demo-world')) {
        ctx.err(
          `The data folder ${engine.home} already has a demo world; run the demo in a new folder with --home DIR.`,
        );
        return 1;
      }
      const job = await runJobInForeground(
        engine,
        'demo.run',
        { quick: values.quick, seed, noSearchPenalty: values['no-search-penalty'], unbalanced: values.unbalanced },
        ctx,
        values.json,
      );
      if (job.status !== 'succeeded') {
        ctx.err(`The demo ${job.status}${job.error ? `: ${job.error}` : ''}`);
        return 1;
      }
      const report = job.result as DemoReport;
      if (values.json) ctx.out(JSON.stringify(report));
      else for (const line of demoTable(report)) ctx.out(line);
      return 0;
    });
  },
};
