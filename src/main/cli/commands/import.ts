import path from 'node:path';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { ImportFormat, ImportResult } from '../../../shared/contract';
import { runJobInForeground } from '../foreground';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import veRL/HF parquet (a file or a folder of shards), JSONL or CSV as a dataset',
  usage:
    'searchlab import FILE --dataset NAME [--format auto|parquet|jsonl|csv] [--skip-bad] [--max-bytes N] ' +
    '[--allow-paths-outside] [--allow-private-urls] [--home DIR] [--json]',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      ...commonOptions,
      dataset: { type: 'string' },
      format: { type: 'string', default: 'auto' },
      'skip-bad': { type: 'boolean', default: false },
      'max-bytes': { type: 'string' },
      'allow-paths-outside': { type: 'boolean', default: false },
      'allow-private-urls': { type: 'boolean', default: false },
    });
    const [file, ...rest] = positionals;
    if (!file || rest.length) throw new UsageError('import takes exactly one FILE or folder');
    if (!values.dataset) throw new UsageError('--dataset NAME is required');
    const format = ImportFormat.safeParse(values.format);
    if (!format.success) throw new UsageError(`--format must be one of ${ImportFormat.options.join(', ')}`);
    const maxBytes = values['max-bytes'] === undefined ? undefined : Number(values['max-bytes']);
    if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0))
      throw new UsageError('--max-bytes must be a positive integer');
    return withEngine(values.home, ctx, async (engine) => {
      const job = await runJobInForeground(
        engine,
        'datasets.import',
        {
          path: path.resolve(file),
          dataset: values.dataset,
          format: format.data,
          skipBad: values['skip-bad'],
          allowPathsOutside: values['allow-paths-outside'],
          allowPrivateUrls: values['allow-private-urls'],
          ...(maxBytes ? { maxBytes } : {}),
        },
        ctx,
        values.json,
      );
      if (job.status !== 'succeeded') {
        ctx.err(`searchlab import: ${job.error ?? job.status}`);
        return 1;
      }
      const result = ImportResult.parse(job.result);
      if (values.json) {
        ctx.out(
          JSON.stringify({
            dataset: result.dataset,
            imported: result.imported,
            rejected: result.rejected.map(({ file: f, row, field, reason }) => ({ file: f, row, field, reason })),
          }),
        );
        return result.committed ? 0 : 1;
      }
      for (const r of result.rejected.slice(0, 50))
        ctx.err(`  ${r.file}${r.row !== null ? ` row ${r.row}` : ''}, ${r.field}: ${r.reason}`);
      if (result.rejected.length > 50) ctx.err(`  … ${result.rejected.length - 50} more`);
      if (!result.committed) {
        ctx.out(
          `Nothing imported into "${result.dataset}": ${result.rejected.length} bad row(s) listed above. Fix them, or pass --skip-bad to import the good rows.`,
        );
        return 1;
      }
      ctx.out(
        `Imported ${result.imported} samples (${result.images} images) into "${result.dataset}"` +
          `${result.rejected.length ? `; skipped ${result.rejected.length} bad row(s)` : ''}.`,
      );
      return 0;
    });
  },
};
