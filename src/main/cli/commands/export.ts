import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { ExportFormat, ExportResult } from '../../../shared/contract';
import { runJobInForeground } from '../foreground';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export a dataset as veRL parquet (for veRL / MMSearch-R1 training) or JSONL',
  usage: 'searchlab export DATASET --format verl|jsonl --out FILE [--overwrite] [--home DIR] [--json]',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      ...commonOptions,
      format: { type: 'string' },
      out: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
    });
    const [dataset, ...rest] = positionals;
    if (!dataset || rest.length) throw new UsageError('export takes exactly one DATASET name');
    const format = ExportFormat.safeParse(values.format);
    if (!format.success) throw new UsageError('--format must be verl or jsonl');
    if (!values.out) throw new UsageError('--out FILE is required');
    return withEngine(values.home, ctx, async (engine) => {
      const job = await runJobInForeground(
        engine,
        'datasets.export',
        { dataset, format: format.data, out: values.out, overwrite: values.overwrite },
        ctx,
        values.json,
      );
      if (job.status !== 'succeeded') {
        ctx.err(`searchlab export: ${job.error ?? job.status}`);
        return 1;
      }
      const result = ExportResult.parse(job.result);
      if (values.json) ctx.out(JSON.stringify(result));
      else
        ctx.out(
          `Exported ${result.rows} samples of "${result.dataset}" to ${result.path} (${(result.bytes / 1e6).toFixed(1)} MB).`,
        );
      return 0;
    });
  },
};
