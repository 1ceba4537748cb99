import { basename, resolve } from 'node:path';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { evaluateCheckpoint } from '../../rl';
import { checkpointOfModelFolder } from '../../rl';
import type { EvalPolicy } from '../../rl';

export const evalCommand: CliCommand = {
  name: 'eval',
  summary:
    'Evaluate a checkpoint or a model folder on a dataset: accuracy and search ratio per data source (optionally the baselines)',
  usage:
    'searchlab eval (--checkpoint ID | --model DIR) --dataset NAME [--split test|all] [--baselines] [--limit N] ' +
    '[--max-tokens-per-turn N] [--json] [--home DIR]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        ...commonOptions,
        checkpoint: { type: 'string' },
        model: { type: 'string' },
        dataset: { type: 'string' },
        split: { type: 'string', default: 'test' },
        baselines: { type: 'boolean', default: false },
        limit: { type: 'string' },
        'max-tokens-per-turn': { type: 'string' },
      },
      false,
    );
    if (values.model && values.checkpoint) throw new UsageError('give --checkpoint ID or --model DIR, not both');
    const checkpointId = values.model ? 0 : Number(values.checkpoint);
    if (!values.model && (!Number.isInteger(checkpointId) || checkpointId <= 0))
      throw new UsageError(
        '--checkpoint ID or --model DIR is required (`searchlab runs` lists checkpoints; a model folder is a Hugging Face-style folder)',
      );
    if (!values.dataset) throw new UsageError('--dataset NAME is required');
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0))
      throw new UsageError('--limit must be a positive integer');
    const maxTokensPerTurn =
      values['max-tokens-per-turn'] === undefined ? undefined : Number(values['max-tokens-per-turn']);
    if (maxTokensPerTurn !== undefined && (!Number.isInteger(maxTokensPerTurn) || maxTokensPerTurn <= 0))
      throw new UsageError('--max-tokens-per-turn must be a positive integer');
    const policies: EvalPolicy[] = values.baselines ? ['policy', 'direct', 'rag'] : ['policy'];
    return withEngine(values.home, ctx, async (engine) => {
      const result = await evaluateCheckpoint(engine.store, engine.home, {
        checkpointId: values.model ? checkpointOfModelFolder(engine.store, values.model).id : checkpointId,
        label: values.model ? `model ${basename(resolve(values.model))}` : undefined,
        dataset: values.dataset!,
        split: values.split === 'all' ? null : values.split!,
        policies,
        limit,
        maxTokensPerTurn,
        progress: values.json
          ? undefined
          : (done, total, message) => process.stderr.write(`\r${done}/${total} ${message}`.padEnd(80)),
      });
      if (!values.json) process.stderr.write('\n');
      if (values.json) {
        ctx.out(JSON.stringify(result));
        return 0;
      }
      for (const [name, m] of Object.entries(result)) {
        ctx.out(
          `${name.padEnd(7)} accuracy ${(100 * m.accuracy).toFixed(1)}%  search ${(100 * m.searchRatio).toFixed(1)}%  ` +
            `searches/question ${m.searchesPerQuestion.toFixed(2)}  (${m.questions} questions)`,
        );
        for (const [group, s] of [
          ...Object.entries(m.bySource),
          ...Object.entries(m.byNeed).map(([need, g]) => [`need ${need}`, g] as const),
        ])
          ctx.out(
            `        ${group.padEnd(18)} accuracy ${(100 * s.accuracy).toFixed(1)}%  search ${(100 * s.searchRatio).toFixed(1)}%  (${s.questions})`,
          );
      }
      return 0;
    });
  },
};
