import * as ort from 'onnxruntime-node';
import { createTinyVlm, sftLoss, Trainer, ParamSet } from '../../src/main/model';
import { policyGraph } from '../../src/main/model/tiny/graphs';
import { colorCorpus, colorSamples, maskRows } from '../../src/main/model/tiny/synthetic';
import { packBatch } from '../../src/main/model/tiny/batch';
import { input } from '../../src/main/model/graph/ops';
const model = createTinyVlm({ corpus: colorCorpus(), merges: 40, seed: 1 });
const c = model.config;
const B = 16; const data = colorSamples(model, B, 3); const T = 72;
const { model: emitted } = Trainer.build({ weights: model.weights, trainable: 'all', build: (P) => sftLoss({ out: policyGraph(P, c, { batch: B, length: T, images: B }), shape: { batch: B, length: T, images: B }, input: (n, s, d = 'float32') => input(n, s, d) }) });
console.log('nodes', emitted.nodeCount, JSON.stringify(emitted.opCounts));
const sess = await ort.InferenceSession.create(emitted.bytes, { enableProfiling: true, profileFilePrefix: '/tmp/prof/train', graphOptimizationLevel: 'all' });
const packed = packBatch(c, data.map((d) => d.full), { length: T, padSide: 'right', images: B });
const feeds: Record<string, ort.Tensor> = {};
for (const i of emitted.inputs) {
  const n = i.shape.reduce((a, b) => a * b, 1);
  const d = (packed.feeds as any)[i.name]  ?? (i.name === 'loss_mask' ? maskRows(data, T) : new Float32Array(n).fill(1));
  feeds[i.name] = new ort.Tensor(i.dtype as any, i.name.startsWith('adam_') ? new Float32Array(n) : d, i.shape);
}
for (let k = 0; k < 6; k++) { const t = performance.now(); await sess.run(feeds); console.log('run ms', (performance.now() - t).toFixed(1)); }
const file = sess.endProfiling();
console.log(file);
import { Policy } from '../../src/main/model';
const policy = new Policy(model, { device: 'cpu' });
const tr = await policy.trainer({ shape: { batch: B, length: T, images: B }, loss: sftLoss, trainable: 'all' });
for (let k = 0; k < 6; k++) { const t = performance.now(); await tr.step(data.map((d) => d.full), { loss_mask: maskRows(data, T) }); console.log('trainer step ms', (performance.now() - t).toFixed(1)); }
