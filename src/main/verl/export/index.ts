// `searchlab export-verl`: a run config and a dataset as a folder a user copies to a veRL / MMSearch-R1 cluster.
// Everything that can be refused (the spec, the samples, the templates) is checked before the first byte is
// written; the folder is built under a temporary name and renamed at the end, so a failure leaves nothing.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../storage';
import { parseRunConfig, type RunConfig } from '../../rl';
import { exportCache } from '../../search';
import { rewardPython } from './reward-python';
import { loadExportSamples, splitTrainVal, SHA256_URL_PREFIX, type ExportSample } from './samples';
import { methodPrompts, type MethodPrompts } from './prompts';
import { pickleString } from './pickle';
import { writeExportParquet, type PromptOf } from './parquet';
import { METHOD_LAUNCHER, runScript, type VerlTarget } from './run-script';
import {
  SEARCH_TOOLS_CACHE,
  SEARCH_TOOLS_IMAGE,
  SEARCH_TOOLS_INIT,
  SEARCH_TOOLS_LIVE,
  SEARCH_TOOLS_TEXT,
  methodToolShim,
} from './search-tools-python';
import { readSearchConfig } from '../../search';
import type { SearchConfig } from '../../../shared/contract';
import { VERL_TOOL_CONFIG, VERL_TOOLS } from './verl-tools-python';
import { exportReadme } from './readme';
import { compileTemplates } from '../../rl';

export interface ExportVerlParams {
  runConfig: unknown;
  dataset: string;
  out: string;
  target: VerlTarget;
}

export interface ExportVerlResult {
  out: string;
  target: VerlTarget;
  train: number;
  val: number;
  cacheEntries: number;
  files: string[];
}

export const PROMPT_FILES: Record<keyof MethodPrompts, string> = {
  round1: 'round_1_user_prompt_qwenvl',
  afterImageSearch: 'after_image_search_prompt_qwenvl',
  afterTextSearch: 'after_text_search_prompt_qwenvl',
};

function promptOf(config: RunConfig, target: VerlTarget): PromptOf {
  if (target === 'mmsearch-r1') return (s) => s.question;
  const question = compileTemplates(config.rollout.templates).question;
  const { maxImageSearches, maxTextSearches } = config.rollout;
  return (s) =>
    `<image>${question({ question: s.question, remaining_image_searches: maxImageSearches, remaining_text_searches: maxTextSearches })}`;
}

function imageIndex(samples: readonly ExportSample[]): Record<string, string> {
  return Object.fromEntries(
    samples.filter((s) => !s.imageUrl.startsWith(SHA256_URL_PREFIX)).map((s) => [s.imageUrl, s.imageSha256]),
  );
}

/** What the Python tools need of SearchLab's search settings (no keys: those stay in the cluster's environment). */
function searchToolsConfig(search: SearchConfig, run: RunConfig) {
  const { serpapi, reader, summariser, imageTopK, textTopK } = search;
  return {
    engine: run.search.engine,
    imageTopK,
    textTopK,
    thumbnails: run.search.thumbnails,
    links: run.search.links,
    serpapi: {
      baseUrl: serpapi.baseUrl,
      hl: serpapi.hl,
      gl: serpapi.gl,
      country: serpapi.country,
      lensType: serpapi.lensType,
    },
    reader,
    summariser: summariser.kind === 'openai' ? summariser : { kind: 'extractive' },
  };
}

function checkOut(out: string): void {
  if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
    throw new Error(`${out} exists and is not an empty folder; choose another --out`);
  }
}

export async function exportVerlFolder(store: Store, params: ExportVerlParams): Promise<ExportVerlResult> {
  const config = parseRunConfig({ ...(params.runConfig as Record<string, unknown>), dataset: params.dataset });
  const out = path.resolve(params.out);
  checkOut(out);
  const reward = rewardPython(config.reward);
  const prompts = methodPrompts(config.rollout.templates, config.rollout);
  const { train, val } = splitTrainVal(await loadExportSamples(store, params.dataset), config.split);
  const search = readSearchConfig(store);

  const partial = `${out}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const write = (file: string, content: string | Buffer, mode?: number) => {
    const full = path.join(partial, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content, mode ? { mode } : undefined);
  };
  let cacheEntries = 0;
  try {
    fs.mkdirSync(partial, { recursive: true });
    await writeExportParquet(path.join(partial, 'train.parquet'), train, promptOf(config, params.target));
    await writeExportParquet(path.join(partial, 'val.parquet'), val, promptOf(config, params.target));
    for (const [key, name] of Object.entries(PROMPT_FILES) as [keyof MethodPrompts, string][]) {
      write(`prompts/${name}.pkl`, pickleString(prompts[key]));
      write(`prompts/${name}.txt`, prompts[key]);
    }
    write('reward.py', reward);
    write('search_tools/__init__.py', SEARCH_TOOLS_INIT);
    write('search_tools/cache.py', SEARCH_TOOLS_CACHE);
    write('search_tools/image_search.py', SEARCH_TOOLS_IMAGE);
    write('search_tools/text_search.py', SEARCH_TOOLS_TEXT);
    write('search_tools/image_index.json', JSON.stringify(imageIndex([...train, ...val]), null, 1));
    write('search_tools/config.json', JSON.stringify(searchToolsConfig(search, config), null, 1));
    write('search_tools/live.py', SEARCH_TOOLS_LIVE);
    // Live image search uploads the question's image when it has no web address.
    for (const s of [...train, ...val])
      if (s.imageUrl.startsWith(SHA256_URL_PREFIX))
        write(`search_tools/question_images/${s.imagePath}`, Buffer.from(s.image));
    cacheEntries = exportCache(store, path.join(partial, 'search_tools/cache.jsonl')).entries;
    if (params.target === 'mmsearch-r1') {
      write('search_tools/method_image_search.py', methodToolShim('image_search'));
      write('search_tools/method_text_search.py', methodToolShim('text_search'));
      write('launch.py', METHOD_LAUNCHER);
    } else {
      write('search_tools/verl_tools.py', VERL_TOOLS);
      write('search_tools/verl_tool_config.yaml', VERL_TOOL_CONFIG);
    }
    write('run.sh', runScript(config, params.target, search.textTopK), 0o755);
    write('searchlab-run.json', JSON.stringify(config, null, 2));
    write(
      'README.md',
      exportReadme(config, params.dataset, params.target, { train: train.length, val: val.length, cacheEntries }),
    );
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(partial, out);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  const files = (fs.readdirSync(out, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(out, f)).isFile())
    .sort();
  return { out, target: params.target, train: train.length, val: val.length, cacheEntries, files };
}
