// run.sh: the run config as hydra overrides of the method's trainer (its run_mmsearch_r1_grpo.sh recipe) or of
// upstream veRL's main_ppo, with the rollout dumps pointed back into the export folder (for the method, which has
// no rollout_data_dir, reward.py writes the dump: SEARCHLAB_ROLLOUT_DUMP_DIR).
import type { RunConfig } from '../../rl';

export type VerlTarget = 'mmsearch-r1' | 'verl';

/** veRL counts mini-batches in prompts (each expanded to rollout.n trajectories); SearchLab counts trajectories. */
function miniBatchPrompts(config: RunConfig): number {
  return Math.max(1, Math.min(config.grpo.batchPrompts, Math.round(config.grpo.miniBatch / config.rollout.groupSize)));
}

function sharedOverrides(config: RunConfig): string[] {
  const { grpo, rollout } = config;
  return [
    'algorithm.adv_estimator=grpo',
    'data.train_files=$EXPORT_DIR/train.parquet',
    'data.val_files=$EXPORT_DIR/val.parquet',
    `data.train_batch_size=${grpo.batchPrompts}`,
    `data.max_prompt_length=${rollout.maxPromptTokens}`,
    `data.max_response_length=${rollout.maxTokensPerTurn}`,
    'data.image_key=images',
    'actor_rollout_ref.model.path=$MODEL_PATH',
    `actor_rollout_ref.actor.optim.lr=${grpo.lr}`,
    `actor_rollout_ref.actor.ppo_mini_batch_size=${miniBatchPrompts(config)}`,
    `actor_rollout_ref.actor.entropy_coeff=${grpo.entropyCoef}`,
    `actor_rollout_ref.actor.clip_ratio=${grpo.clipRatio}`,
    `actor_rollout_ref.actor.grad_clip=${grpo.maxGradNorm}`,
    'actor_rollout_ref.actor.use_kl_loss=True',
    `actor_rollout_ref.actor.kl_loss_coef=${grpo.klCoef}`,
    'actor_rollout_ref.actor.kl_loss_type=low_var_kl',
    `actor_rollout_ref.rollout.n=${rollout.groupSize}`,
    `actor_rollout_ref.rollout.temperature=${rollout.temperature}`,
    `actor_rollout_ref.rollout.top_p=${rollout.topP}`,
    `trainer.total_training_steps=${grpo.steps}`,
    `trainer.save_freq=${config.checkpointEvery}`,
    'trainer.project_name=$PROJECT_NAME',
    `trainer.experiment_name=${shellWord(config.name)}`,
  ];
}

function methodOverrides(config: RunConfig): string[] {
  const { rollout, reward } = config;
  const constants = reward.constants;
  return [
    'data.user_prompt_round_1=$EXPORT_DIR/prompts/round_1_user_prompt_qwenvl.pkl',
    'data.user_prompt_after_image_search=$EXPORT_DIR/prompts/after_image_search_prompt_qwenvl.pkl',
    'data.user_prompt_after_text_search=$EXPORT_DIR/prompts/after_text_search_prompt_qwenvl.pkl',
    'actor_rollout_ref.actor.use_multi_turn_response_mask=True',
    'actor_rollout_ref.rollout.name=vllm_multiturn_mmsearch',
    `actor_rollout_ref.rollout.max_gen_round=${rollout.maxTurns}`,
    `actor_rollout_ref.rollout.response_length_total=${rollout.maxTotalTokens}`,
    `actor_rollout_ref.rollout.search.topk=$SEARCH_TOPK`,
    `actor_rollout_ref.rollout.search.image_search_limit=${rollout.maxImageSearches}`,
    `actor_rollout_ref.rollout.search.text_search_limit=${rollout.maxTextSearches}`,
    // Read only by the method's built-in reward; ours (reward.py) carries the spec's constants itself.
    ...(constants.search_penalty !== undefined ? [`+trainer.search_penalty=${constants.search_penalty}`] : []),
    ...(constants.alpha !== undefined ? [`+trainer.format_penalty=${constants.alpha}`] : []),
    `+trainer.reward_mode=${reward.answerMatch === 'subem' ? 'SubEM' : 'EM'}`,
    // The method keeps validation generations in W&B's val/generations table and, in val_only mode, in
    // val_result_{N}.json files: both import back with `searchlab import-rollouts`, as does the dump reward.py
    // writes of every rollout it scores (SEARCHLAB_ROLLOUT_DUMP_DIR, set above).
    'trainer.val_generations_to_log_to_wandb=$VAL_GENERATIONS',
    'trainer.val_only_save_dir=$EXPORT_DIR/rollouts/val',
  ];
}

function upstreamOverrides(config: RunConfig): string[] {
  return [
    'custom_reward_function.path=$EXPORT_DIR/reward.py',
    'custom_reward_function.name=compute_score',
    'actor_rollout_ref.rollout.multi_turn.enable=True',
    `actor_rollout_ref.rollout.multi_turn.max_assistant_turns=${config.rollout.maxTurns}`,
    'actor_rollout_ref.rollout.multi_turn.tool_config_path=$EXPORT_DIR/search_tools/verl_tool_config.yaml',
    // The tags of SearchLab's protocol ask for the searches (search_tools/verl_tools.py registers this parser).
    'actor_rollout_ref.rollout.multi_turn.format=searchlab',
    'actor_rollout_ref.rollout.agent.default_agent_loop=tool_agent',
    'trainer.rollout_data_dir=$EXPORT_DIR/rollouts/train',
    'trainer.validation_data_dir=$EXPORT_DIR/rollouts/val',
  ];
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function runScript(config: RunConfig, target: VerlTarget, searchTopK = 5): string {
  const modelPath = 'path' in config.model ? config.model.path : 'Qwen/Qwen2.5-VL-7B-Instruct';
  const overrides = [
    ...sharedOverrides(config),
    ...(target === 'verl' ? upstreamOverrides(config) : methodOverrides(config)),
  ];
  const header = [
    '#!/usr/bin/env bash',
    `# SearchLab run "${config.name}" as a ${target === 'verl' ? 'veRL' : 'MMSearch-R1'} GRPO job (written by \`searchlab export-verl\`).`,
    '# Set the cluster-side values in the environment; search keys (SERPAPI_API_KEY) are read there, never stored here.',
    'set -euo pipefail',
    'EXPORT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
    `MODEL_PATH="\${MODEL_PATH:-${modelPath}}"`,
    `PROJECT_NAME="\${PROJECT_NAME:-searchlab}"`,
    `SEARCH_TOPK="\${SEARCH_TOPK:-${searchTopK}}"`,
    'VAL_GENERATIONS="${VAL_GENERATIONS:-64}"',
    'export SEARCHLAB_EXPORT_DIR="$EXPORT_DIR"',
    'export PYTHONPATH="$EXPORT_DIR${PYTHONPATH:+:$PYTHONPATH}"',
    'mkdir -p "$EXPORT_DIR/rollouts/train" "$EXPORT_DIR/rollouts/val"',
    // The method's trainer dumps no training rollouts: reward.py appends each one it scores here.
    ...(target === 'mmsearch-r1'
      ? ['export SEARCHLAB_ROLLOUT_DUMP_DIR="${SEARCHLAB_ROLLOUT_DUMP_DIR:-$EXPORT_DIR/rollouts}"']
      : []),
  ];
  const launch =
    target === 'verl'
      ? ['python3 -m verl.trainer.main_ppo \\']
      : [
          ': "${MMSEARCH_R1_DIR:?set MMSEARCH_R1_DIR to your checkout of EvolvingLMMs-Lab/multimodal-search-r1}"',
          "# The method ships placeholder search tools: put the real ones (this folder's cache, then SerpApi) in their place.",
          'cp "$EXPORT_DIR/search_tools/method_image_search.py" "$MMSEARCH_R1_DIR/mmsearch_r1/utils/tools/image_search.py"',
          'cp "$EXPORT_DIR/search_tools/method_text_search.py" "$MMSEARCH_R1_DIR/mmsearch_r1/utils/tools/text_search.py"',
          'cd "$MMSEARCH_R1_DIR"',
          "# launch.py is the method's main_ppo with reward.py as its compute_score.",
          'python3 "$EXPORT_DIR/launch.py" \\',
        ];
  const body = overrides.map((o) => `    ${o.replace(/\$([A-Z_]+)/g, '"$$$1"')} \\`);
  return [...header, '', ...launch, ...body, '    "$@"', ''].join('\n');
}

/** The method's main_ppo takes a compute_score only as a Python argument: this launcher passes reward.py's. */
export const METHOD_LAUNCHER = String.raw`"""The method's trainer with SearchLab's reward (reward.py) as compute_score. Run by run.sh."""
import importlib.util
import os

import hydra

from mmsearch_r1.trainer.multimodal.main_ppo import run_ppo
from reward import compute_score_for_method

CONFIG_DIR = os.path.join(os.path.dirname(importlib.util.find_spec("mmsearch_r1.trainer.multimodal.main_ppo").origin), "config")


@hydra.main(config_path=CONFIG_DIR, config_name="ppo_trainer", version_base=None)
def main(config):
    run_ppo(config, compute_score=compute_score_for_method)


if __name__ == "__main__":
    main()
`;
