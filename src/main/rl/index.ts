// The method's public surface for the rest of the engine (the API handlers, the job kinds, the CLI, the veRL
// export and import, dataset label suggestions): runs and their configs, GRPO training, evaluation, the reward
// spec and its expressions, the rollout protocol, re-scoring and the counterfactual replays.

// runs, their configs and checkpoints
export { createRun, resumableRun, summarizeRun, validateRunConfig } from './runs';
export { parseRunConfig, type RunConfig } from './train/config';
export { estimateRun } from './train/estimate';
export { runGrpo, type RunContext } from './train/grpo';
export { readState, readTemplates, writeTemplates } from './train/state';
export { checkpointOfModelFolder, checkpointPolicyModel } from './train/checkpoint-run';
export { addModelFolder, listModelFolders } from './train/model-folders';
export { checkpointsOfRun, deleteCheckpoint, exportCheckpoint } from './checkpoints';
export { groupAdvantages } from './grpo/advantages';

// evaluation
export {
  directAnswerPrefix,
  evaluatePolicies,
  type EvalPolicy,
  type EvalSample,
  type PolicyMetrics,
} from './eval/evaluate';
export { evaluateCheckpoint } from './eval/run-eval';
export { evaluationSummaries } from './eval/records';

// the reward spec and its expressions
export {
  compileReward,
  DEFAULT_REWARD_SPEC,
  REWARD_VARIABLES,
  type CompiledReward,
  type RewardBreakdown,
  type RewardSpec,
} from './reward/spec';
export { ExpressionError, FUNCTION_NAMES, parseExpression, type ExpressionNode } from './reward/expression';
export { exactMatch, goldAnswers } from './reward/answers';
export { compileEdited, rescoreRun, summarizeRescore } from './rescore/rescore';

// the rollout protocol
export { compileTemplates, type PromptTemplates } from './protocol/templates';
export { actionArgument, parseTurn, type ParsedTurn } from './protocol/actions';
export type { RolloutLimits } from './protocol/limits';
export { runRollouts, type RolloutTools } from './rollout/engine';
export { datasetSamples, searchRolloutTools } from './rollout/search-tools';

// supervised fine-tuning from scripted teacher conversations (the demo's cold start), and its record
export { given, learned, scriptedSequence, turnText, type ScriptedTurn, type TeacherSequence } from './sft/scripted';
export { trainSft } from './sft/train';
export { readPretrainingRecord, writePretrainingRecord } from './sft/pretraining-record';

// counterfactual replays of a stored trajectory
export { choicesAt } from './counterfactual/choices';
export { checkpointLabel, loadStoredRollout } from './counterfactual/source';
export { replayDecision } from './counterfactual/replay';
export { decisionProbabilities } from './counterfactual/decision-probabilities';
