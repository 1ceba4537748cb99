import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand, CliContext } from '../command';
import { UsageError } from '../command';
import { parseCommandArgs } from '../args';

const USAGE = [
  'searchlab model random --arch qwen2.5-vl --like tiny|3b|7b --out DIR [--dtype bf16|f16|f32] [--seed N] [--tied|--untied] [--shard-mb N]',
  'searchlab model run DIR [--image FILE] --prompt TEXT [--max-new-tokens N] [--logits-last K] [--device auto|cpu|cuda] [--threads N] [--json]',
].join('\n       ');

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got "${value}"`);
  return n;
}

async function randomFolder(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      arch: { type: 'string' },
      like: { type: 'string', default: 'tiny' },
      out: { type: 'string' },
      dtype: { type: 'string' },
      seed: { type: 'string' },
      tied: { type: 'boolean' },
      untied: { type: 'boolean' },
      'shard-mb': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.arch !== 'qwen2.5-vl')
    throw new UsageError(`--arch must be qwen2.5-vl (the family with random folders), got ${values.arch ?? 'nothing'}`);
  if (!['tiny', '3b', '7b'].includes(values.like!))
    throw new UsageError(`--like must be tiny, 3b or 7b, got ${values.like}`);
  if (values.dtype && !['bf16', 'f16', 'f32'].includes(values.dtype))
    throw new UsageError(`--dtype must be bf16, f16 or f32, got ${values.dtype}`);
  if (!values.out) throw new UsageError('--out DIR is required');
  const { writeRandomQwen25Vl } = await import('../../model/families/qwen2_5_vl/random');
  const shardMb = values['shard-mb'] ? positiveInt(values['shard-mb'], '--shard-mb', 0) : undefined;
  const out = resolve(values.out);
  let lastPercent = -1;
  const { bytes, config } = writeRandomQwen25Vl(out, {
    size: values.like as 'tiny' | '3b' | '7b',
    dtype: values.dtype as 'bf16' | 'f16' | 'f32' | undefined,
    seed: positiveInt(values.seed, '--seed', 0),
    tied: values.tied ? true : values.untied ? false : undefined,
    shardBytes: shardMb ? shardMb * 1024 * 1024 : undefined,
    onProgress: (done, total) => {
      const p = Math.floor((100 * done) / total);
      if (!values.json && p >= lastPercent + 10) {
        lastPercent = p;
        ctx.err(`writing weights: ${p}%`);
      }
    },
  });
  if (values.json)
    ctx.out(
      JSON.stringify({ path: out, bytes, layers: config.text.num_hidden_layers, hidden: config.text.hidden_size }),
    );
  else
    ctx.out(`wrote a random Qwen2.5-VL (${values.like}) folder to ${out}: ${(bytes / 1e6).toFixed(1)} MB of weights`);
  return 0;
}

async function runFolder(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    image: { type: 'string' },
    prompt: { type: 'string' },
    'max-new-tokens': { type: 'string' },
    'logits-last': { type: 'string' },
    device: { type: 'string', default: 'auto' },
    threads: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const dir = positionals[0];
  if (!dir) throw new UsageError('model run needs the model folder: searchlab model run DIR --prompt TEXT');
  if (values.prompt === undefined) throw new UsageError('--prompt TEXT is required');
  if (!['auto', 'cpu', 'cuda'].includes(values.device!))
    throw new UsageError(`--device must be auto, cpu or cuda, got ${values.device}`);
  const { familyOfFolder } = await import('../../model/families');
  const family = familyOfFolder(resolve(dir));
  if (family.id !== 'qwen2.5-vl')
    throw new UsageError(`model run probes Qwen2.5-VL folders; ${dir} holds a ${family.label}`);
  const { loadQwen25VlFolder } = await import('../../model/families/qwen2_5_vl/folder');
  const { Qwen25VlRuntime } = await import('../../model/families/qwen2_5_vl/runtime');
  const { checkQwen25VlMemory } = await import('../../model/policy/load');
  const meta = checkQwen25VlMemory(resolve(dir), values.device as 'auto' | 'cpu' | 'cuda');
  const folder = loadQwen25VlFolder(resolve(dir), meta);
  const runtime = new Qwen25VlRuntime(folder, {
    device: values.device as 'auto' | 'cpu' | 'cuda',
    threads: values.threads ? positiveInt(values.threads, '--threads', 0) : undefined,
  });
  try {
    let image: { bytes: Uint8Array; name: string } | undefined;
    if (values.image) {
      try {
        image = { bytes: readFileSync(values.image), name: values.image };
      } catch (e) {
        throw new Error(
          `--image ${values.image}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
        );
      }
    }
    const result = await runtime.probe(image, values.prompt, {
      maxNewTokens: positiveInt(values['max-new-tokens'], '--max-new-tokens', 0),
      logitsLast: positiveInt(values['logits-last'], '--logits-last', 1),
    });
    if (values.json) ctx.out(JSON.stringify(result));
    else {
      ctx.out(
        `input: ${result.input_ids.length} tokens; images: ${result.image_grid_thw.map((g) => `[${g.join(', ')}]`).join(' ') || 'none'}`,
      );
      ctx.out(`greedy: ${JSON.stringify(result.greedy)}`);
      ctx.out(`text: ${JSON.stringify(result.text)}`);
    }
    return 0;
  } finally {
    await runtime.release();
  }
}

/** Model folders: random folders in a family's published layout, and a probe that shows how SearchLab reads one. */
export const modelCommand: CliCommand = {
  name: 'model',
  summary:
    'Write a random model folder in a published layout, or probe a model folder (tokens, positions, logits, greedy text)',
  usage: USAGE,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'random') return randomFolder(rest, ctx);
    if (sub === 'run') return runFolder(rest, ctx);
    throw new UsageError(`model needs a subcommand: random or run${sub ? ` (got ${sub})` : ''}`);
  },
};
