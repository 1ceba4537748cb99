// Model-assisted label suggestion: a policy checkpoint answers each sample N times without search (sampled at
// temperature 1, the answer forced to start at once); how often it is right suggests whether the sample needs
// search. Suggestions are committed a batch at a time, so a stopped job keeps what it finished.
import type { Store } from '../../storage';
import { readTemplates } from '../../rl';
import { checkpointPolicyModel } from '../../rl';
import { compileTemplates } from '../../rl';
import { runRollouts, type RolloutTools } from '../../rl';
import { directAnswerPrefix } from '../../rl';
import { exactMatch, goldAnswers } from '../../rl';
import { suggestedLabel } from './status';

export interface SuggestHooks {
  progress(done: number, total: number | null, message: string): void;
  throwIfCancelled(): void;
}

const noTools: RolloutTools = {
  imageSearch: () => Promise.reject(new Error('no search while suggesting labels')),
  textSearch: () => Promise.reject(new Error('no search while suggesting labels')),
  image: () => new Uint8Array(),
};

export async function suggestLabels(
  store: Store,
  params: { datasetId: number; checkpointId: number; runs: number; batch: number },
  hooks: SuggestHooks,
) {
  const checkpoint = store.repos.runs.checkpoint(params.checkpointId);
  if (!checkpoint) throw new Error(`No checkpoint with id ${params.checkpointId}`);
  const rows = store.repos.trajectories.trainingRows(params.datasetId, null);
  const model = `checkpoint ${checkpoint.id}`;
  const templates = compileTemplates(readTemplates(checkpoint.path));
  const policy = checkpointPolicyModel(store, checkpoint, { frozen: true });
  let done = 0;
  try {
    for (let start = 0; start < rows.length; start += params.batch) {
      hooks.throwIfCancelled();
      const chunk = rows.slice(start, start + params.batch);
      const samples = chunk.map((r) => ({
        sampleId: r.id,
        question: r.question,
        image: store.repos.images.get(r.imageSha256)!.bytes,
        groundTruth: r.answer,
        candidateAnswers: r.candidateAnswers,
        need: r.need,
      }));
      const trajectories = await runRollouts(policy, samples, {
        groupSize: params.runs,
        templates,
        tools: noTools,
        limits: {
          maxTurns: 1,
          maxImageSearches: 0,
          maxTextSearches: 0,
          maxTokensPerTurn: 48,
          maxTotalTokens: 48,
          maxPromptTokens: 4096,
        },
        sampling: { temperature: 1 },
        turnPrefix: directAnswerPrefix(),
        seed: start,
      });
      store.db.transaction(() => {
        chunk.forEach((row, i) => {
          const attempts = trajectories.filter((t) => t.groupIndex === i);
          const gold = goldAnswers(row.answer, row.candidateAnswers);
          const correct = attempts.filter((t) => {
            const action = t.turns[0]?.action;
            return action?.kind === 'answer' && exactMatch(action.answer, gold) === 1;
          }).length;
          store.repos.samples.putSuggestion(row.id, model, params.runs, correct, suggestedLabel(correct, params.runs));
        });
      })();
      done += chunk.length;
      hooks.progress(done, rows.length, `Suggested ${done} of ${rows.length} samples`);
    }
  } finally {
    await policy.release();
  }
  return { suggested: done, model };
}
