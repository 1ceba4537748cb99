import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { gib } from '../../model';
import type { ModelFolder } from '../../../shared/contract';
import { resolve } from 'node:path';

function line(m: ModelFolder): string {
  const id = String(m.checkpointId).padStart(4);
  if (m.error) return `${id}  ${m.path}  (${m.error})`;
  const fit = m.fits.inference === false ? ' (more than the device has)' : '';
  const size = `${((m.parameters ?? 0) / 1e6).toFixed(1)}M params  ${m.dtype}  ${gib(m.bytesOnDisk ?? 0)} on disk`;
  return `${id}  ${m.architecture}  ${size}  ~${gib(m.inferenceBytes ?? 0)} to run${fit}  ${m.path}`;
}

/** Model folders SearchLab knows: the demo's pre-trained model and any folder added by path (the app's Models page). */
export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List the model folders SearchLab knows (architecture, parameters, dtype, size, memory), or add one by path',
  usage: 'searchlab models [add DIR] [--json] [--home DIR]',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, commonOptions);
    const [sub, dir, ...extra] = positionals;
    if (sub !== undefined && sub !== 'add') throw new UsageError(`models takes no subcommand but add (got ${sub})`);
    if (sub === 'add' && (!dir || extra.length))
      throw new UsageError('models add takes one folder: searchlab models add DIR');
    return withEngine(values.home, ctx, async (engine) => {
      if (sub === 'add') {
        const added = await engine.call('models.add', { path: resolve(dir!) });
        ctx.out(values.json ? JSON.stringify(added) : `added model ${added.checkpointId}: ${line(added).trim()}`);
        return 0;
      }
      const models = await engine.call('models.list', {});
      if (values.json) ctx.out(JSON.stringify(models));
      else if (!models.length) ctx.out('No model folders yet. Add one with: searchlab models add DIR');
      else for (const m of models) ctx.out(line(m));
      return 0;
    });
  },
};
