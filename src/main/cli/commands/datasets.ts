import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { DatasetSummary } from '../../../shared/contract';
import { runJobInForeground } from '../foreground';

const labelSources = ['labels', 'construction', 'labels_then_construction'] as const;

export const datasetsCommand: CliCommand = {
  name: 'datasets',
  summary: 'List datasets with their samples, images and label counts; build a balanced subset; delete one',
  usage:
    'searchlab datasets [--json] | searchlab datasets balance DATASET --name NEW [--ratio 0.67] [--size N] [--seed N] ' +
    '[--label-source labels|construction|labels_then_construction] [--json] | searchlab datasets suggest DATASET --checkpoint ID [--runs N] ' +
    '| searchlab datasets delete DATASET   (--home DIR)',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      ...commonOptions,
      name: { type: 'string' },
      ratio: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      'label-source': { type: 'string' },
      checkpoint: { type: 'string' },
      runs: { type: 'string' },
    });
    const [sub = 'list', target, ...rest] = positionals;
    if (rest.length) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}`);
    return withEngine(values.home, ctx, async (engine) => {
      const list = await engine.call('datasets.list', {});
      if (sub === 'list') {
        if (values.json) {
          ctx.out(
            JSON.stringify(list.map((d) => ({ name: d.name, samples: d.samples, images: d.images, labels: d.labels }))),
          );
          return 0;
        }
        if (list.length === 0) ctx.out('No datasets yet. Import one: searchlab import FILE --dataset NAME');
        for (const d of list) {
          const labels = Object.entries(d.labels)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ');
          ctx.out(
            `${d.name.padEnd(24)} ${String(d.samples).padStart(8)} samples ${String(d.images).padStart(7)} images  ` +
              `${labels || 'no labels'}${d.recipe ? '  (balanced subset)' : ''}`,
          );
        }
        return 0;
      }
      if (sub !== 'balance' && sub !== 'delete' && sub !== 'suggest')
        throw new UsageError(`Unknown datasets subcommand "${sub}"`);
      if (!target) throw new UsageError(`datasets ${sub} needs a DATASET name`);
      const dataset = list.find((d) => d.name === target);
      if (!dataset) {
        ctx.err(
          `searchlab datasets: no dataset "${target}"${list.length ? ` (there are: ${list.map((d) => d.name).join(', ')})` : ''}`,
        );
        return 1;
      }
      if (sub === 'delete') {
        await engine.call('datasets.delete', { id: dataset.id });
        ctx.out(`Deleted "${dataset.name}" (${dataset.samples} samples and their labels).`);
        return 0;
      }
      if (sub === 'suggest') {
        const checkpointId = Number(values.checkpoint);
        const runs = values.runs === undefined ? 4 : Number(values.runs);
        if (!Number.isInteger(checkpointId) || checkpointId <= 0)
          throw new UsageError('datasets suggest needs --checkpoint ID (`searchlab runs` lists checkpoints)');
        if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs must be a positive integer');
        const job = await runJobInForeground(
          engine,
          'datasets.suggest',
          { datasetId: dataset.id, checkpointId, runs },
          ctx,
          values.json,
        );
        if (job.status !== 'succeeded') {
          ctx.err(`searchlab datasets suggest: ${job.error ?? job.status}`);
          return 1;
        }
        if (values.json) ctx.out(JSON.stringify(job.result));
        else
          ctx.out(
            `Suggested labels for ${(job.result as { suggested: number }).suggested} samples of "${dataset.name}".`,
          );
        return 0;
      }
      if (!values.name) throw new UsageError('datasets balance needs --name NEW');
      const number = (flag: string, value: string | undefined, integer: boolean) => {
        if (value === undefined) return undefined;
        const n = Number(value);
        if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
          throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got "${value}"`);
        return n;
      };
      const labelSource = values['label-source'];
      if (labelSource !== undefined && !(labelSources as readonly string[]).includes(labelSource))
        throw new UsageError(`--label-source must be one of ${labelSources.join(', ')}`);
      const job = await runJobInForeground(
        engine,
        'datasets.balance',
        {
          datasetId: dataset.id,
          name: values.name,
          ...(values.ratio !== undefined ? { searchRequiredFraction: number('ratio', values.ratio, false) } : {}),
          ...(values.size !== undefined ? { size: number('size', values.size, true) } : {}),
          ...(values.seed !== undefined ? { seed: number('seed', values.seed, true) } : {}),
          ...(labelSource ? { labelSource } : {}),
        },
        ctx,
        values.json,
      );
      if (job.status !== 'succeeded') {
        ctx.err(`searchlab datasets balance: ${job.error ?? job.status}`);
        return 1;
      }
      const made = DatasetSummary.parse(job.result);
      if (values.json)
        ctx.out(
          JSON.stringify({
            name: made.name,
            samples: made.samples,
            images: made.images,
            labels: made.labels,
            recipe: made.recipe,
          }),
        );
      else ctx.out(`Made "${made.name}": ${made.samples} samples from "${dataset.name}" (recipe recorded).`);
      return 0;
    });
  },
};
