// `searchlab export-verl`: the folder a user copies to the cluster, read back the way the cluster reads it.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { homePaths } from '../../src/main/platform/home';
import { openStore } from '../../src/main/storage';
import { cacheKey } from '../../src/main/search/cache/key';
import { methodPrompts } from '../../src/main/verl/export/prompts';
import { DEFAULT_TEMPLATES } from '../../src/main/rl/protocol/templates';
import { removeTempHomes } from '../helpers/home';
import { cli } from '../datasets/cli';
import { alterDatabase, python, runExportVerl, seededExportHome } from './fixtures';

afterEach(removeTempHomes);

async function readParquet(file: string): Promise<Record<string, any>[]> {
  return parquetReadObjects({ file: await asyncBufferFromFile(file), utf8: false });
}

describe('export-verl writes a runnable MMSearch-R1 job', () => {
  it('writes train and val parquet with every field the method reads, and the same image bytes', async () => {
    const { home, dir, rows, runConfigFile } = await seededExportHome();
    const out = path.join(dir, 'job');
    const run = await runExportVerl({ home, runConfigFile }, out, { json: true });
    expect(run.err).toBe('');
    expect(run.json()).toMatchObject({ train: 11, val: 1, target: 'mmsearch-r1', cacheEntries: 2 });
    const read = [
      ...(await readParquet(path.join(out, 'train.parquet'))),
      ...(await readParquet(path.join(out, 'val.parquet'))),
    ].sort((a, b) => Number(a.extra_info.index) - Number(b.extra_info.index));
    expect(read).toHaveLength(rows.length);
    for (const [i, row] of read.entries()) {
      const source = rows[i];
      expect(row.prompt).toEqual([{ role: 'user', content: source.question }]);
      expect(Buffer.compare(Buffer.from(row.images[0].bytes), source.image!)).toBe(0);
      expect(row.images[0].path).toMatch(/^[0-9a-f]{64}\.jpg$/);
      expect(row.reward_model).toEqual({
        ground_truth: source.answer,
        candidate_answers: JSON.stringify(source.candidates),
        style: 'rule',
      });
      expect(row.data_source).toContain('mmsearch_r1');
      expect(row.data_source).toContain(source.dataSource);
      expect(row.image_urls).toEqual([source.imageUrl ?? `sha256:${row.images[0].path.slice(0, 64)}`]);
      expect(row.extra_info).toEqual({
        index: BigInt(i),
        split: 'train',
        question: source.question,
        answer: source.answer,
        candidate_answers: JSON.stringify(source.candidates),
        search_need: null,
        data_id: source.dataId,
        tools_kwargs: { image_search: { create_kwargs: { image_url: row.image_urls[0] } } },
      });
    }
    const files = run.json().files as string[];
    for (const f of [
      'README.md',
      'run.sh',
      'launch.py',
      'reward.py',
      'searchlab-run.json',
      'search_tools/cache.jsonl',
      'search_tools/image_search.py',
      'search_tools/text_search.py',
    ])
      expect(files).toContain(f);
  });

  it('writes the three prompt files as pickled strings that python3 reads back, with their text beside them', async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    const out = path.join(dir, 'job');
    expect((await runExportVerl({ home, runConfigFile }, out)).code).toBe(0);
    const expected = methodPrompts(DEFAULT_TEMPLATES, { maxImageSearches: 1, maxTextSearches: 2 });
    const names = {
      round1: 'round_1_user_prompt_qwenvl',
      afterImageSearch: 'after_image_search_prompt_qwenvl',
      afterTextSearch: 'after_text_search_prompt_qwenvl',
    };
    const script = `import json, pickle\nprint(json.dumps({k: pickle.load(open("prompts/" + n + ".pkl", "rb")) for k, n in ${JSON.stringify(names)}.items()}))`;
    const loaded = JSON.parse(python(out, script)) as Record<string, string>;
    expect(loaded).toEqual(expected);
    expect(loaded.round1.endsWith('Here is the image and the question:\n<image> ')).toBe(true);
    expect(loaded.round1).toContain('<search><img></search>');
    expect(fs.readFileSync(path.join(out, 'prompts/after_text_search_prompt_qwenvl.txt'), 'utf8')).toBe(
      expected.afterTextSearch,
    );
  });

  it("answers image and text searches from the exported cache under python3 with no network, in the method's strings", async () => {
    const { home, dir, rows, runConfigFile, thumbnails } = await seededExportHome({ search: { engine: 'serpapi' } });
    // The same query answered by another engine: the run's engine (SerpApi) is the one replayed.
    const store = openStore(homePaths(home).database);
    try {
      const call = {
        tool: 'text_search' as const,
        engine: 'local' as const,
        query: 'landmark 0 history',
        imageSha256: null,
        params: { k: 5 },
      };
      store.repos.searchCache.put({
        ...call,
        key: cacheKey(call),
        mode: 'live',
        raw: null,
        output: '',
        images: [],
        results: [
          {
            rank: 1,
            title: 'Local',
            url: 'file:///local',
            snippet: null,
            summary: 'From the local corpus.',
            imageSha256: null,
            imageUrl: null,
          },
        ],
        latencyMs: 1,
        cost: 0,
      });
    } finally {
      store.close();
    }
    const out = path.join(dir, 'job');
    expect((await runExportVerl({ home, runConfigFile }, out)).code).toBe(0);
    const script = `
import json
from search_tools.image_search import call_image_search
from search_tools.text_search import call_text_search
text, images, stat = call_image_search(${JSON.stringify(rows[0].imageUrl)})
miss_text, miss_images, miss_stat = call_image_search("https://example.org/unknown.jpg")
t_text, t_stat = call_text_search("  landmark 0   HISTORY ")
m_text, m_stat = call_text_search("nothing cached")
shown = [{"size": list(i.size)} if hasattr(i, "size") else {"bytes": list(i)} for i in images]
print(json.dumps({"image": [text, shown, stat], "miss": [miss_text, miss_stat], "text": [t_text, t_stat], "text_miss": [m_text, m_stat]}))
`;
    const result = JSON.parse(python(out, script));
    const [imageText, shown, imageStat] = result.image;
    expect(imageText).toBe(
      '[Image Search Results] The result of the image search consists of web page information related to the image ' +
        "from the user's original question. Each result includes the main image from the web page and its title, " +
        'ranked in descending order of search relevance, as demonstrated below:\n' +
        '1. image: <|vision_start|><|image_pad|><|vision_end|>\ntitle: Landmark 0, view 1\n' +
        '2. image: <|vision_start|><|image_pad|><|vision_end|>\ntitle: Landmark 0, view 2\n',
    );
    // Thumbnails come back as PIL images where Pillow is installed (as the method feeds them), else as their bytes.
    expect(shown).toEqual(
      shown[0].size ? [{ size: [32, 32] }, { size: [32, 32] }] : thumbnails.map((t) => ({ bytes: [...t] })),
    );
    expect(imageStat).toMatchObject({ success: true, num_images: 2, source: 'cache' });
    expect(result.miss[0]).toMatch(/^\[Image Search Results\] There is an error encountered/);
    expect(result.miss[1]).toMatchObject({
      success: false,
      error: 'not in the exported cache, and no SerpApi key (SERPAPI_API_KEY) to search live',
    });
    expect(result.text[0]).toBe(
      '[Text Search Results] Below are the text summaries of the most relevant webpages related to your query, ' +
        'ranked in descending order of relevance:\n1. (https://example.org/history) Landmark 0 was built in 1901.\n',
    );
    expect(result.text_miss[0]).toMatch(/^\[Text Search Results\] There is an error encountered/);

    // A run on the local engine replays the local corpus's answer to the same query instead.
    const localConfig = path.join(dir, 'local-run.json');
    fs.writeFileSync(
      localConfig,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(runConfigFile, 'utf8')), search: { engine: 'local' } }),
    );
    const localOut = path.join(dir, 'job-local');
    expect((await runExportVerl({ home, runConfigFile: localConfig }, localOut)).code).toBe(0);
    expect(
      python(
        localOut,
        'from search_tools.text_search import call_text_search\nprint(call_text_search("Landmark 0 history")[0])',
      ),
    ).toContain('(file:///local) From the local corpus.');
  });

  it("maps the run config onto the trainer's hydra overrides and points the rollout dumps back into the folder", async () => {
    const { home, dir, runConfigFile } = await seededExportHome({
      rollout: {
        groupSize: 8,
        temperature: 0.7,
        maxTurns: 3,
        maxImageSearches: 1,
        maxTextSearches: 2,
        maxTotalTokens: 6000,
      },
      grpo: { steps: 30, batchPrompts: 16, miniBatch: 32, lr: 1e-6, klCoef: 0.002 },
    });
    const method = path.join(dir, 'method');
    const upstream = path.join(dir, 'upstream');
    expect((await runExportVerl({ home, runConfigFile }, method)).code).toBe(0);
    expect((await runExportVerl({ home, runConfigFile }, upstream, { target: 'verl' })).code).toBe(0);
    const sh = fs.readFileSync(path.join(method, 'run.sh'), 'utf8');
    for (const line of [
      'python3 "$EXPORT_DIR/launch.py"',
      'algorithm.adv_estimator=grpo',
      'data.train_batch_size=16',
      'actor_rollout_ref.actor.optim.lr=0.000001',
      'actor_rollout_ref.actor.ppo_mini_batch_size=4',
      'actor_rollout_ref.actor.kl_loss_coef=0.002',
      'actor_rollout_ref.actor.kl_loss_type=low_var_kl',
      'actor_rollout_ref.rollout.n=8',
      'actor_rollout_ref.rollout.temperature=0.7',
      'actor_rollout_ref.rollout.max_gen_round=3',
      'actor_rollout_ref.rollout.response_length_total=6000',
      'actor_rollout_ref.rollout.search.image_search_limit=1',
      'actor_rollout_ref.rollout.search.text_search_limit=2',
      '+trainer.search_penalty=0.1',
      '+trainer.format_penalty=0.1',
      'data.user_prompt_round_1="$EXPORT_DIR"/prompts/round_1_user_prompt_qwenvl.pkl',
      'trainer.val_only_save_dir="$EXPORT_DIR"/rollouts/val',
    ])
      expect(sh).toContain(line);
    expect(sh).not.toContain('SERPAPI_API_KEY=');
    const up = fs.readFileSync(path.join(upstream, 'run.sh'), 'utf8');
    for (const line of [
      'python3 -m verl.trainer.main_ppo',
      'custom_reward_function.path="$EXPORT_DIR"/reward.py',
      'custom_reward_function.name=compute_score',
      'trainer.rollout_data_dir="$EXPORT_DIR"/rollouts/train',
      'trainer.validation_data_dir="$EXPORT_DIR"/rollouts/val',
      'actor_rollout_ref.rollout.multi_turn.enable=True',
      'actor_rollout_ref.rollout.multi_turn.format=searchlab',
    ]) {
      expect(up).toContain(line);
    }
    // Both scripts parse, and every Python file of both folders compiles (their imports are the cluster's).
    for (const folder of [method, upstream]) {
      expect(spawnSync('bash', ['-n', path.join(folder, 'run.sh')]).status).toBe(0);
      python(folder, 'import glob\nfor f in glob.glob("**/*.py", recursive=True): compile(open(f).read(), f, "exec")');
    }
    const [first] = await readParquet(path.join(upstream, 'train.parquet'));
    expect(first.prompt[0].content.startsWith('<image>Answer the question about the image.')).toBe(true);
    expect(fs.readFileSync(path.join(upstream, 'README.md'), 'utf8')).toContain('rollouts/train/{step}.jsonl');
  });
});

describe('export-verl refuses bad input before writing anything', () => {
  it('names the sample without an answer', async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    alterDatabase(home, "UPDATE samples SET answer = '' WHERE row_index = 3");
    const out = path.join(dir, 'job');
    const run = await runExportVerl({ home, runConfigFile }, out);
    expect(run.code).toBe(1);
    expect(run.err).toContain('dataset "seed" row 3 (fvqa-3): no answer');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  });

  it('names the sample whose image the trainer cannot decode', async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    alterDatabase(
      home,
      "UPDATE images SET mime = 'application/octet-stream' WHERE sha256 = (SELECT image_sha256 FROM samples WHERE row_index = 5)",
    );
    const out = path.join(dir, 'job');
    const run = await runExportVerl({ home, runConfigFile }, out);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /row 5 \(fvqa-5\): image [0-9a-f]{12} is application\/octet-stream, which the trainer cannot decode/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  // A JPEG cut short (its MIME type still says image/jpeg) is refused by name too, as the trainer could not load it.
  it('refuses a JPEG that does not decode, naming the sample, and writes nothing', async () => {
    const { home, dir, runConfigFile } = await seededExportHome();
    alterDatabase(
      home,
      'UPDATE images SET bytes = substr(bytes, 1, 300) ' +
        'WHERE sha256 = (SELECT image_sha256 FROM samples WHERE row_index = 5)',
    );
    const out = path.join(dir, 'job');
    const run = await runExportVerl({ home, runConfigFile }, out);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/row 5 \(fvqa-5\): image [0-9a-f]{12} does not decode as image\/jpeg \(/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses a reward spec that reads a variable reward.py cannot compute', async () => {
    const { home, dir, runConfigFile } = await seededExportHome({
      reward: { name: 'short-answers', version: 1, expression: 'score - tokens / 100000', constants: {} },
    });
    const out = path.join(dir, 'job');
    const run = await runExportVerl({ home, runConfigFile }, out);
    expect(run.code).toBe(1);
    expect(run.err).toContain('uses the variable "tokens", which reward.py cannot compute');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('the upstream veRL tools', () => {
  // veRL needs torch and cannot be installed here: its tool parser and tool base classes are given as veRL
  // defines them (verl/experimental/agent_loop/tool_parser.py, verl/tools/base_tool.py, verl/tools/schemas.py).
  const VERL_INTERFACES = `
import sys, types, asyncio
def module(name, **attrs):
    m = types.ModuleType(name); m.__dict__.update(attrs); sys.modules[name] = m
class FunctionCall:
    def __init__(self, name, arguments): self.name, self.arguments = name, arguments
class ToolParser:
    _registry = {}
    def __init__(self, tokenizer): self.tokenizer = tokenizer
    @classmethod
    def register(cls, name):
        def decorator(sub): cls._registry[name] = sub; return sub
        return decorator
class ToolResponse:
    def __init__(self, text=None, image=None, video=None): self.text, self.image = text, image
class BaseTool:
    def __init__(self, config, tool_schema): self.config = config
    async def create(self, instance_id=None, **kwargs): return (instance_id or "id-1"), ToolResponse()
for name in ["verl", "verl.experimental", "verl.experimental.agent_loop", "verl.tools"]: module(name)
module("verl.experimental.agent_loop.tool_parser", FunctionCall=FunctionCall, ToolParser=ToolParser)
module("verl.tools.base_tool", BaseTool=BaseTool)
module("verl.tools.schemas", ToolResponse=ToolResponse)
`;

  it('reads the protocol tags as tool calls and answers them from the exported cache', async () => {
    const { home, dir, rows, runConfigFile } = await seededExportHome();
    const out = path.join(dir, 'job');
    expect((await runExportVerl({ home, runConfigFile }, out, { target: 'verl' })).code).toBe(0);
    const script = `${VERL_INTERFACES}
import json
from search_tools import verl_tools
class Tokenizer:
    def decode(self, ids, skip_special_tokens=True): return ids
parser = ToolParser._registry["searchlab"](Tokenizer())
calls = {}
for name, text in [
    ("image", "<reason>r</reason><search><img></search>"),
    ("text", "<reason>r</reason><text_search> landmark 0 history </text_search>"),
    ("answer", "<reason>r</reason><answer>x</answer>"),
]:
    _, found = asyncio.run(parser.extract_tool_calls(text))
    calls[name] = [[c.name, json.loads(c.arguments)] for c in found]
image_tool = verl_tools.SearchLabImageSearch({}, None)
instance, _ = asyncio.run(image_tool.create(create_kwargs={"image_url": ${JSON.stringify(rows[0].imageUrl)}}))
image_response, _, image_stat = asyncio.run(image_tool.execute(instance, {}))
text_response, _, _ = asyncio.run(verl_tools.SearchLabTextSearch({}, None).execute("t", {"query": "landmark 0 history"}))
print(json.dumps({"calls": calls, "image": [image_response.text, len(image_response.image), image_stat["source"]], "text": text_response.text}))
`;
    const result = JSON.parse(python(out, script));
    expect(result.calls).toEqual({
      image: [['image_search', {}]],
      text: [['text_search', { query: 'landmark 0 history' }]],
      answer: [],
    });
    expect(result.image[0]).toMatch(
      /^<information>\[Image Search Results\][\s\S]*title: Landmark 0, view 2\n<\/information>$/,
    );
    expect(result.image.slice(1)).toEqual([2, 'cache']);
    expect(result.text).toContain('(https://example.org/history) Landmark 0 was built in 1901.');
  });
});

describe('the exported parquet in SearchLab', () => {
  it('imports back as a dataset with the same questions, answers and image bytes', async () => {
    const { home, dir, rows, runConfigFile } = await seededExportHome();
    const out = path.join(dir, 'job');
    expect((await runExportVerl({ home, runConfigFile }, out)).code).toBe(0);
    const back = await cli('import', path.join(out, 'train.parquet'), '--dataset', 'back', '--home', home, '--json');
    expect(back.json()).toEqual({ dataset: 'back', imported: 11, rejected: [] });
    const db = new Database(homePaths(home).database, { readonly: true });
    try {
      const stored = db
        .prepare(
          'SELECT s.question, s.answer, i.bytes FROM samples s JOIN datasets d ON d.id = s.dataset_id ' +
            "JOIN images i ON i.sha256 = s.image_sha256 WHERE d.name = 'back' ORDER BY s.row_index",
        )
        .all() as { question: string; answer: string; bytes: Buffer }[];
      const trained = rows.filter((_, i) => i !== 9); // every tenth row is held out for validation
      expect(stored.map((s) => [s.question, s.answer])).toEqual(trained.map((r) => [r.question, r.answer]));
      expect(stored.every((s, i) => Buffer.compare(s.bytes, trained[i].image!) === 0)).toBe(true);
    } finally {
      db.close();
    }
  });
});
