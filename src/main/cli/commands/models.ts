import { existsSync } from 'node:fs';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { familyOfFolder, summarizeModelFolder, type ModelFolderSummary } from '../../model/families';
import { checkQwen25VlFolder } from '../../model/families/qwen2_5_vl/folder';
import { availableRam, gib } from '../../model/policy/memory';
import { checkpointOfModelFolder } from '../../rl/train/checkpoint-run';

interface Listed extends Partial<ModelFolderSummary> {
  checkpointId: number;
  path: string;
  /** Whether inference fits in the memory available now. */
  fits?: boolean;
  error?: string;
}

function describe(checkpointId: number, path: string, available: number): Listed {
  if (!existsSync(path)) return { checkpointId, path, error: 'folder is missing' };
  try {
    const s = summarizeModelFolder(path);
    return { checkpointId, ...s, fits: s.inferenceBytes <= available };
  } catch (e) {
    return { checkpointId, path, error: (e as Error).message };
  }
}

/** Model folders SearchLab knows: the demo's pre-trained model and any folder added by path (checkpoints of no run). */
export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List the model folders SearchLab knows (architecture, parameters, dtype, size, memory), or add one by path',
  usage: 'searchlab models [add DIR] [--json] [--home DIR]',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, commonOptions);
    const [sub, dir, ...extra] = positionals;
    if (sub !== undefined && sub !== 'add') throw new UsageError(`models takes no subcommand but add (got ${sub})`);
    if (sub === 'add' && (!dir || extra.length)) throw new UsageError('models add takes one folder: searchlab models add DIR');
    return withEngine(values.home, ctx, async (engine) => {
      const available = availableRam();
      if (sub === 'add') {
        // every check that needs no weight data, so a bad folder is refused with what is wrong before it is listed
        if (familyOfFolder(dir!).id === 'qwen2.5-vl') checkQwen25VlFolder(dir!);
        const { id, path } = checkpointOfModelFolder(engine.store, dir!);
        const listed = describe(id, path, available);
        if (values.json) ctx.out(JSON.stringify(listed));
        else ctx.out(`added ${path} as model ${id}: ${listed.architecture}, ${((listed.parameters ?? 0) / 1e6).toFixed(1)}M parameters`);
        return 0;
      }
      const models = engine.store.repos.runs
        .allCheckpoints()
        .filter((c) => c.runId === null)
        .map((c) => describe(c.id, c.path, available));
      if (values.json) {
        ctx.out(JSON.stringify(models));
        return 0;
      }
      if (!models.length) ctx.out('No model folders yet. Add one with: searchlab models add DIR');
      for (const m of models) {
        if (m.error) ctx.out(`${String(m.checkpointId).padStart(4)}  ${m.path}  (${m.error})`);
        else
          ctx.out(
            `${String(m.checkpointId).padStart(4)}  ${m.architecture}  ${((m.parameters ?? 0) / 1e6).toFixed(1)}M params  ${m.dtype}  ${gib(m.bytesOnDisk ?? 0)} on disk  ~${gib(m.inferenceBytes ?? 0)} to run${m.fits ? '' : ' (more than is free now)'}  ${m.path}`,
          );
      }
      return 0;
    });
  },
};
