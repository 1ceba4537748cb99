// README.md of the export folder: what each file is, how to run it, and how the rollouts come back.
import type { RunConfig } from '../../rl';
import type { VerlTarget } from './run-script';

export function exportReadme(
  config: RunConfig,
  dataset: string,
  target: VerlTarget,
  counts: { train: number; val: number; cacheEntries: number },
): string {
  const method = target === 'mmsearch-r1';
  // One line per row in the README: a Markdown table row cannot break.
  const files = [
    '| `train.parquet`, `val.parquet` | The samples: `prompt`, `images` [{bytes, path}], `reward_model` ' +
      '{ground_truth, candidate_answers (JSON), style}, `data_source` (holds `mmsearch_r1`), `image_urls`, ' +
      '`extra_info` {index, split, question, answer, candidate_answers, search_need, data_id} |',
    "| `prompts/*.pkl`, `prompts/*.txt` | The method's three prompt files (pickled Python strings) rendered from the " +
      "run's templates, and their text |",
    "| `reward.py` | `compute_score(data_source, solution_str, ground_truth, extra_info=None)`: the run's reward spec " +
      'with SearchLab\'s semantics; returns `{"score": reward, …the spec\'s variables}`. `solution_str` may be the ' +
      "method's list of turns or veRL's single decoded string |",
    '| `search_tools/` | `call_image_search(image_url)` and `call_text_search(text_query)` answered from ' +
      `\`search_tools/cache.jsonl\` (${counts.cacheEntries} cached calls, thumbnails included). A call not in the ` +
      "cache goes live as SearchLab's clients do (SerpApi Google / Google Lens, Jina Reader, the summariser in " +
      '`config.json`) when `SERPAPI_API_KEY` (and `JINA_API_KEY`, `OPENAI_API_KEY` for an OpenAI-compatible ' +
      "summariser) are set on the cluster, else returns the method's error text. `question_images/` holds the " +
      'images that have no web address, for live image search |',
    "| `run.sh` | The GRPO job with the run config's settings as hydra overrides |" +
      (method ? "\n| `launch.py` | The method's `main_ppo` with `reward.py` as its reward |" : ''),
  ];
  return `# SearchLab run "${config.name}" for ${method ? 'MMSearch-R1 (EvolvingLMMs-Lab/multimodal-search-r1)' : 'upstream veRL'}

Written by \`searchlab export-verl\` from dataset "${dataset}" (${counts.train} training and ${counts.val} validation samples)
and the run's reward spec "${config.reward.name}" v${config.reward.version}: \`${config.reward.expression}\`.

| File | What it is |
| --- | --- |
${files.join('\n')}
| \`searchlab-run.json\` | The SearchLab run config this folder was made from |

## Run it

\`\`\`
${method ? 'MMSEARCH_R1_DIR=~/multimodal-search-r1 ' : ''}MODEL_PATH=Qwen/Qwen2.5-VL-7B-Instruct bash run.sh trainer.n_gpus_per_node=8 trainer.nnodes=1
\`\`\`

Extra arguments are passed to the trainer as further hydra overrides. ${
    method
      ? "run.sh copies `search_tools/method_*.py` over the method's placeholder tools in `$MMSEARCH_R1_DIR` (they load this folder's tools)."
      : 'The tools in `search_tools/verl_tool_config.yaml` are called through the `searchlab` tool parser ' +
        '(registered by `search_tools/verl_tools.py`), which reads `<search><img></search>` and ' +
        '`<text_search>…</text_search>` as tool calls.'
  }

## Bring the rollouts back

${
  method
    ? "The method's trainer writes no training rollouts: `reward.py` appends every rollout it scores to " +
      '`rollouts/train/{step}.jsonl` and `rollouts/val/{step}.jsonl` (run.sh sets `SEARCHLAB_ROLLOUT_DUMP_DIR`), ' +
      "with the model's turns but not the search results, which the trainer does not pass to the reward. " +
      'The method also logs validation generations to W&B (`val/generations`, export the table as JSON) and, with ' +
      '`trainer.val_only=True`, writes `rollouts/val/val_result_{N}.json`: import those or the `.jsonl` dump of ' +
      'the same validation, not both.'
    : 'veRL writes `rollouts/train/{step}.jsonl` and `rollouts/val/{step}.jsonl`.'
}

\`\`\`
npx searchlab import-rollouts rollouts/ --run ${config.name}-cluster --dataset ${dataset}
\`\`\`

Then open the run in SearchLab: the debugger, group view, reward re-scoring and dashboard read it like a local run.
`;
}
