// `npm run bench` rows for the model engine: the tiny VLM's training step (full and LoRA), generation throughput at
// batch 1 and 16, the decode-step designs we chose between (KV cache as input only vs returned every step; weights
// as inputs vs as initializers), and graph sizes. CPU always; CUDA too when its provider loads.

import type { BenchReporter, BenchSuite } from '../suite';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall-clock ms of `fn` after a warm-up; `cpu` also gets the median process CPU ms (all threads). */
async function timeIt(n: number, fn: () => Promise<unknown>, cpu?: number[]): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpuTimes.push((d.user + d.system) / 1000);
  }
  cpu?.push(median(cpuTimes));
  return median(times);
}

async function runOn(device: 'cpu' | 'cuda', report: BenchReporter, quick: boolean): Promise<void> {
  const M = await import('../../model');
  const S = await import('../../model/tiny/synthetic');
  const G = await import('../../model/tiny/graphs');
  const model = M.createTinyVlm({ corpus: S.colorCorpus(), merges: 40, seed: 1 });
  const c = model.config;
  const policy = new M.Policy(model, { device });
  const dev = (await policy.device()).name;
  const tag = `[${device}]`;
  report.log(
    `${device}: ${dev}; tiny VLM d=${c.hidden_size}, ${c.num_hidden_layers} layers, vocab ${c.vocab_size}, ` +
      `${M.imageGeometry(c.vision_config).tokens} image tokens`,
  );

  // training steps
  const B = 16;
  const data = S.colorSamples(model, B, 3);
  const T = M.bucketLength(data[0].full.ids.length, 8);
  const feeds = { loss_mask: S.maskRows(data, T) };
  const seqs = data.map((d) => d.full);
  const full = await policy.trainer({ shape: { batch: B, length: T, images: B }, loss: M.sftLoss, trainable: 'all' });
  const fullCpu: number[] = [];
  const fullMs = await timeIt(quick ? 3 : 10, () => full.step(seqs, feeds), fullCpu);
  report.add({ name: `train step, full (B=${B}, T=${T}) ${tag}`, value: fullMs, unit: 'ms', notes: dev });
  report.add({ name: `train step CPU time, full ${tag}`, value: fullCpu[0], unit: 'cpu ms' });
  report.add({ name: `train tokens/s, full ${tag}`, value: (B * T) / (fullMs / 1000), unit: 'tok/s' });
  report.add({ name: 'train step graph nodes (full)', value: full.trainer.model.nodeCount, unit: 'nodes' });
  await full.release();

  M.enableLora(model, { rank: 8, alpha: 16, targets: (p) => /(q|k|v|o|gate|up|down)_proj$/.test(p) });
  const lora = await policy.trainer({ shape: { batch: B, length: T, images: B }, loss: M.sftLoss, trainable: 'lora' });
  const loraMs = await timeIt(quick ? 3 : 10, () => lora.step(seqs, feeds));
  report.add({
    name: `train step, LoRA r=8 (B=${B}, T=${T}) ${tag}`,
    value: loraMs,
    unit: 'ms',
    reference: { name: 'full', value: fullMs },
  });
  await lora.release();
  model.lora = undefined;
  for (const n of [...model.weights.keys()]) if (n.includes('.lora_')) model.weights.delete(n);

  // generation throughput (no stop: every row generates maxNew tokens)
  const maxNew = quick ? 16 : 48;
  // decode cost per token, as wall time and as process CPU time (less sensitive to other load on the machine)
  const decodePerToken = async (batch: number, tokensPerRun: number) => {
    const prompts = S.colorSamples(model, batch, 5).map((s) => s.prompt);
    const wall: number[] = [];
    const cpu: number[] = [];
    await timeIt(quick ? 1 : 3, async () => {
      const c0 = process.cpuUsage();
      const r = await M.generate(policy, prompts, {
        maxNewTokens: maxNew,
        temperature: 1,
        stopTokenIds: [],
        seed: 1,
        tokensPerRun,
      });
      const c = process.cpuUsage(c0);
      wall.push(r.stats.decodeMs / (maxNew - 1));
      cpu.push((c.user + c.system) / 1000 / (maxNew - 1)); // prefill included: an upper bound
    });
    return { wall: median(wall.slice(1)), cpu: median(cpu.slice(1)) };
  };
  for (const batch of [1, 16]) {
    const one = await decodePerToken(batch, 1);
    for (const k of [4, 8]) {
      const r = await decodePerToken(batch, k);
      report.add({
        name: `decode ms per token, batch ${batch}, ${k} tokens per run ${tag}`,
        value: r.wall,
        unit: 'ms',
        reference: { name: '1 per run', value: one.wall },
      });
      report.add({
        name: `generate CPU ms per token, batch ${batch}, ${k} tokens per run ${tag}`,
        value: r.cpu,
        unit: 'cpu ms',
        reference: { name: '1 per run', value: one.cpu },
      });
    }
  }
  for (const batch of [1, 16]) {
    const prompts = S.colorSamples(model, batch, 5).map((s) => s.prompt);
    let tokens = 0;
    const prefill: number[] = [];
    const perStep: number[] = [];
    const ms = await timeIt(quick ? 1 : 3, async () => {
      const r = await M.generate(policy, prompts, { maxNewTokens: maxNew, temperature: 1, stopTokenIds: [], seed: 1 });
      tokens = r.stats.tokens;
      prefill.push(r.stats.prefillMs);
      perStep.push(r.stats.decodeMs / r.stats.decodeSteps);
    });
    report.add({
      name: `generate tokens/s, batch ${batch} (${maxNew} new, prefill included) ${tag}`,
      value: tokens / (ms / 1000),
      unit: 'tok/s',
    });
    report.add({
      name: `generate: prefill, batch ${batch} (T=${M.bucketLength(prompts[0].ids.length)}) ${tag}`,
      value: median(prefill.slice(1)),
      unit: 'ms',
    });
    report.add({
      name: `generate: decode step incl. sampling, batch ${batch} ${tag}`,
      value: median(perStep.slice(1)),
      unit: 'ms',
    });
  }

  // decode-step designs at batch 16 with a 128-slot cache
  const Bd = 16;
  const slots = 128;
  const stepFeeds = (inputs: { name: string; shape: number[]; dtype: string }[]) => {
    const f: Record<string, Float32Array | BigInt64Array> = {};
    for (const i of inputs) {
      const n = i.shape.reduce((a, b) => a * b, 1);
      const w = model.weights.get(i.name);
      if (w) f[i.name] = w.data;
      else if (i.dtype === 'int64') f[i.name] = new BigInt64Array(n).fill(i.name === 'key_mask' ? 1n : 3n);
      else f[i.name] = new Float32Array(n);
    }
    return f;
  };
  const decodeMs = async (returnCache: boolean, weightsAsInputs: boolean) => {
    const P = new M.ParamSet(model.weights, { trainable: weightsAsInputs ? 'all' : 'none' });
    const emitted = M.emit(G.decodeGraph(P, c, { batch: Bd, cache: slots, returnCache }));
    const s = await M.GraphSession.create(emitted, { device });
    const f = stepFeeds(s.inputs);
    const cpu: number[] = [];
    const ms = await timeIt(quick ? 10 : 40, () => s.run(f), cpu);
    await s.release();
    return { ms, cpu: cpu[0], nodes: emitted.nodeCount };
  };
  const inOut = await decodeMs(true, true);
  const inOnly = await decodeMs(false, true);
  const consts = await decodeMs(false, false);
  report.add({
    name: `decode step, KV cache returned every step (B=${Bd}, ${slots} slots) ${tag}`,
    value: inOut.ms,
    unit: 'ms',
  });
  report.add({
    name: `decode step, KV cache input only ${tag}`,
    value: inOnly.ms,
    unit: 'ms',
    reference: { name: 'cache returned', value: inOut.ms },
  });
  report.add({
    name: `decode step, input-only cache + weights as initializers ${tag}`,
    value: consts.ms,
    unit: 'ms',
    reference: { name: 'weights as inputs', value: inOnly.ms },
  });
  report.add({
    name: `decode step CPU, KV cache input only ${tag}`,
    value: inOnly.cpu,
    unit: 'cpu ms',
    reference: { name: 'cache returned', value: inOut.cpu },
  });
  report.add({
    name: `decode step CPU, weights as initializers ${tag}`,
    value: consts.cpu,
    unit: 'cpu ms',
    reference: { name: 'weights as inputs', value: inOnly.cpu },
  });
  report.add({ name: 'decode step graph nodes', value: inOnly.nodes, unit: 'nodes' });
  const prefill = M.emit(
    G.prefillGraph(new M.ParamSet(model.weights, { trainable: 'all' }), c, { batch: 16, length: 48, images: 16 }),
  );
  report.add({ name: 'prefill graph nodes (B=16, T=48, 16 images)', value: prefill.nodeCount, unit: 'nodes' });
  await policy.release();
}

export const modelSuite: BenchSuite = {
  name: 'model',
  summary: 'tiny VLM on onnxruntime-node: training step, generation, decode-step designs, graph sizes',
  async run(report, { quick }) {
    const { probeDevice } = await import('../../model');
    await runOn('cpu', report, quick);
    const gpu = await probeDevice('cuda');
    if (gpu.kind === 'cuda') await runOn('cuda', report, quick);
    else report.log(`no CUDA rows: ${gpu.notice ?? 'CUDA unavailable'}`);
  },
};
