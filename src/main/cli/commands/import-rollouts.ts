import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { importRollouts } from '../../verl';

export const importRolloutsCommand: CliCommand = {
  name: 'import-rollouts',
  summary:
    "Import a veRL / MMSearch-R1 cluster's rollouts ({step}.jsonl, val_result_{N}.json, W&B tables) as a run the debugger shows",
  usage:
    'searchlab import-rollouts PATH --run NAME [--dataset NAME] [--group-size N] [--skip-bad] [--home DIR] [--json]',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      ...commonOptions,
      run: { type: 'string' },
      dataset: { type: 'string' },
      'group-size': { type: 'string' },
      'skip-bad': { type: 'boolean', default: false },
    });
    const [file, ...rest] = positionals;
    if (!file || rest.length) throw new UsageError('import-rollouts takes exactly one PATH (a file or a folder)');
    if (!values.run) throw new UsageError('--run NAME is required');
    const groupSize = values['group-size'] === undefined ? undefined : Number(values['group-size']);
    if (groupSize !== undefined && !(Number.isInteger(groupSize) && groupSize > 0))
      throw new UsageError('--group-size must be a positive integer');
    return withEngine(values.home, ctx, async (engine) => {
      let result;
      try {
        result = importRollouts(engine.store, {
          path: file,
          run: values.run!,
          dataset: values.dataset,
          groupSize,
          skipBad: values['skip-bad'],
        });
      } catch (error) {
        ctx.err(`searchlab import-rollouts: ${(error as Error).message}`);
        return 1;
      }
      if (values.json) {
        ctx.out(JSON.stringify(result));
        return result.committed ? 0 : 1;
      }
      for (const b of result.bad.slice(0, 50)) ctx.err(`  ${b.file}:${b.line}: ${b.reason}`);
      if (result.bad.length > 50) ctx.err(`  … ${result.bad.length - 50} more`);
      if (result.unknownFields.length) ctx.err(`Fields not read (kept out): ${result.unknownFields.join(', ')}`);
      if (!result.committed) {
        ctx.out(
          result.bad.length
            ? `Nothing imported: ${result.bad.length} bad line(s) listed above. Fix them, or pass --skip-bad to import the good lines.`
            : 'Nothing imported: the files hold no rollouts.',
        );
        return 1;
      }
      ctx.out(
        `Imported ${result.trajectories} rollouts (${result.groups} groups of ${result.groupSize}, ` +
          `steps ${result.steps[0]}–${result.steps.at(-1)}) as run ${result.runId} "${result.run}"` +
          `${result.bad.length ? `; skipped ${result.bad.length} bad line(s)` : ''}.`,
      );
      if (result.duplicates)
        ctx.out(`${result.duplicates} rollout(s) repeated an earlier file (same step, prompt and output): kept once.`);
      if (result.idMismatches.length)
        ctx.out(
          `${result.idMismatches.length} rollout(s) named a dataset row or id whose question their prompt does not ask ` +
            `(the dataset changed since the export?), e.g. ${result.idMismatches.slice(0, 3).join('; ')}.`,
        );
      if (result.unmatchedSamples)
        ctx.out(`${result.unmatchedSamples} rollout(s) matched no dataset sample: their images are shown as missing.`);
      if (result.disagreements.length) {
        ctx.out(
          `SearchLab's reward differs from the cluster's score on ${result.disagreements.length} rollout(s), e.g. ${result.disagreements
            .slice(0, 3)
            .map((d) => `${d.where} (cluster ${d.cluster}, SearchLab ${d.searchlab})`)
            .join('; ')}.`,
        );
      }
      return 0;
    });
  },
};
