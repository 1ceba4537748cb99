import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { evaluateCheckpoint } from '../../rl/eval/run-eval';
import type { EvalPolicy } from '../../rl/eval/evaluate';

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Evaluate a checkpoint on a dataset: accuracy and search ratio per data source (optionally the baselines)',
  usage: 'searchlab eval --checkpoint ID --dataset NAME [--split test|all] [--baselines] [--limit N] [--json] [--home DIR]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      { ...commonOptions, checkpoint: { type: 'string' }, dataset: { type: 'string' }, split: { type: 'string', default: 'test' }, baselines: { type: 'boolean', default: false }, limit: { type: 'string' } },
      false,
    );
    const checkpointId = Number(values.checkpoint);
    if (!Number.isInteger(checkpointId) || checkpointId <= 0) throw new UsageError('--checkpoint ID is required (an integer; `searchlab runs` lists checkpoints)');
    if (!values.dataset) throw new UsageError('--dataset NAME is required');
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new UsageError('--limit must be a positive integer');
    const policies: EvalPolicy[] = values.baselines ? ['policy', 'direct', 'rag'] : ['policy'];
    return withEngine(values.home, ctx, async (engine) => {
      const result = await evaluateCheckpoint(engine.store, engine.home, {
        checkpointId,
        dataset: values.dataset!,
        split: values.split === 'all' ? null : values.split!,
        policies,
        limit,
        progress: values.json ? undefined : (done, total, message) => process.stderr.write(`\r${done}/${total} ${message}`.padEnd(80)),
      });
      if (!values.json) process.stderr.write('\n');
      if (values.json) {
        ctx.out(JSON.stringify(result));
        return 0;
      }
      for (const [name, m] of Object.entries(result)) {
        ctx.out(`${name.padEnd(7)} accuracy ${(100 * m.accuracy).toFixed(1)}%  search ${(100 * m.searchRatio).toFixed(1)}%  searches/question ${m.searchesPerQuestion.toFixed(2)}  (${m.questions} questions)`);
        for (const [source, s] of Object.entries(m.bySource)) ctx.out(`        ${source.padEnd(18)} accuracy ${(100 * s.accuracy).toFixed(1)}%  search ${(100 * s.searchRatio).toFixed(1)}%  (${s.questions})`);
      }
      return 0;
    });
  },
};
