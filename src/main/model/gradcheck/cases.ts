// The gradient-check cases: one per primitive op (every entry of the primitive table that has a gradient rule)
// and one per composite. The tiny model adds its own whole-model case (see ../tiny).

import * as C from '../graph/composites';
import * as O from '../graph/ops';
import { constant } from '../graph/ops';
import type { Tensor } from '../graph/tensor';
import type { GradCheckCase } from './check';

const f = (name: string, shape: number[]) => ({ name, shape });
const pos = (name: string, shape: number[]) => ({ name, shape, kind: 'positive' as const });
const ids = (name: string, shape: number[], max: number) => ({ name, shape, kind: 'int' as const, max });

export const primitiveCases: GradCheckCase[] = [
  { name: 'neg', group: 'primitive', inputs: [f('x', [3, 4])], build: (x) => O.neg(x) },
  { name: 'exp', group: 'primitive', inputs: [f('x', [3, 4])], build: (x) => O.exp(x) },
  { name: 'log', group: 'primitive', inputs: [pos('x', [3, 4])], build: (x) => O.log(x) },
  { name: 'sqrt', group: 'primitive', inputs: [pos('x', [3, 4])], build: (x) => O.sqrt(x) },
  { name: 'recip', group: 'primitive', inputs: [pos('x', [3, 4])], build: (x) => O.recip(x) },
  { name: 'tanh', group: 'primitive', inputs: [f('x', [3, 4])], build: (x) => O.tanh(x) },
  { name: 'sigmoid', group: 'primitive', inputs: [f('x', [3, 4])], build: (x) => O.sigmoid(x) },
  // ORT's CPU Erf kernel is float32 only
  { name: 'erf', group: 'primitive', dtype: 'float32', inputs: [f('x', [3, 4])], build: (x) => O.erf(x) },
  {
    name: 'add (broadcast)',
    group: 'primitive',
    inputs: [f('a', [2, 3, 4]), f('b', [3, 1])],
    build: (a, b) => O.add(a, b),
  },
  {
    name: 'sub (broadcast)',
    group: 'primitive',
    inputs: [f('a', [3, 4]), f('b', [2, 1, 4])],
    build: (a, b) => O.sub(a, b),
  },
  {
    name: 'mul (broadcast)',
    group: 'primitive',
    inputs: [f('a', [2, 3, 4]), f('b', [4])],
    build: (a, b) => O.mul(a, b),
  },
  {
    name: 'div (broadcast)',
    group: 'primitive',
    inputs: [f('a', [2, 3]), pos('b', [2, 1])],
    build: (a, b) => O.div(a, b),
  },
  { name: 'maximum', group: 'primitive', inputs: [f('a', [3, 4]), f('b', [3, 4])], build: (a, b) => O.maximum(a, b) },
  {
    name: 'where',
    group: 'primitive',
    inputs: [{ name: 'c', shape: [3, 4], kind: 'bool' }, f('a', [3, 4]), f('b', [1, 4])],
    build: (c, a, b) => O.where(c, a, b),
  },
  {
    name: 'cast (f32→f64→f32)',
    group: 'primitive',
    dtype: 'float32',
    inputs: [f('x', [3, 4])],
    build: (x) => O.cast(O.mul(O.cast(x, 'float64'), O.cast(x, 'float64')), 'float32'),
  },
  { name: 'sum', group: 'primitive', inputs: [f('x', [2, 3, 4])], build: (x) => O.sum(x, [0, 2]) },
  {
    name: 'sum (keepdims)',
    group: 'primitive',
    inputs: [f('x', [2, 3, 4])],
    build: (x) => O.mul(O.sum(x, 1, true), x),
  },
  { name: 'mean', group: 'primitive', inputs: [f('x', [2, 3, 4])], build: (x) => O.mul(O.mean(x, [1], true), x) },
  { name: 'pow (2)', group: 'primitive', inputs: [f('x', [3, 4])], build: (x) => O.powConst(x, 2) },
  { name: 'pow (3)', group: 'primitive', inputs: [f('x', [3, 4])], build: (x) => O.powConst(x, 3) },
  { name: 'max', group: 'primitive', inputs: [f('x', [3, 5])], build: (x) => O.max(x, -1) },
  { name: 'softmax', group: 'primitive', inputs: [f('x', [3, 5])], build: (x) => O.softmax(x, -1) },
  { name: 'softmax (axis 0)', group: 'primitive', inputs: [f('x', [3, 5])], build: (x) => O.softmax(x, 0) },
  { name: 'logsoftmax', group: 'primitive', inputs: [f('x', [3, 5])], build: (x) => O.logSoftmax(x, -1) },
  { name: 'matmul', group: 'primitive', inputs: [f('a', [3, 4]), f('b', [4, 2])], build: (a, b) => O.matmul(a, b) },
  {
    name: 'matmul (batched, broadcast)',
    group: 'primitive',
    inputs: [f('a', [2, 1, 3, 4]), f('b', [3, 4, 2])],
    build: (a, b) => O.matmul(a, b),
  },
  {
    name: 'matmul (x @ W)',
    group: 'primitive',
    inputs: [f('a', [2, 3, 4]), f('b', [4, 5])],
    build: (a, b) => O.matmul(a, b),
  },
  {
    name: 'reshape',
    group: 'primitive',
    inputs: [f('x', [2, 6])],
    build: (x) => O.mul(O.reshape(x, [3, 4]), O.reshape(x, [3, 4])),
  },
  { name: 'transpose', group: 'primitive', inputs: [f('x', [2, 3, 4])], build: (x) => O.transpose(x, [2, 0, 1]) },
  { name: 'expand', group: 'primitive', inputs: [f('x', [3, 1])], build: (x) => O.expand(x, [2, 3, 4]) },
  { name: 'slice', group: 'primitive', inputs: [f('x', [4, 5])], build: (x) => O.slice(x, [1, 0], [3, 4]) },
  { name: 'pad', group: 'primitive', inputs: [f('x', [2, 3])], build: (x) => O.pad(x, [1, 0], [0, 2]) },
  {
    name: 'concat',
    group: 'primitive',
    inputs: [f('a', [2, 3]), f('b', [2, 2])],
    build: (a, b) => O.concat([a, b, a], 1),
  },
  {
    name: 'gather (axis 0, repeats)',
    group: 'primitive',
    inputs: [f('x', [5, 3]), { name: 'i', shape: [2, 3], kind: 'int', values: [0, 4, 4, 1, 0, 2] }],
    build: (x, i) => O.gather(x, i, 0),
  },
  {
    name: 'gather (axis 1)',
    group: 'primitive',
    inputs: [f('x', [2, 5, 3]), { name: 'i', shape: [4], kind: 'int', values: [3, 0, 3, 1] }],
    build: (x, i) => O.gather(x, i, 1),
  },
  {
    name: 'scatterAdd',
    group: 'primitive',
    inputs: [{ name: 'i', shape: [4], kind: 'int', values: [2, 0, 2, 3] }, f('u', [4, 3])],
    build: (i, u) => O.scatterAdd(i, u, [5, 3]),
  },
  // stopGradient is deliberately not the derivative of its forward; tests/model/autodiff.test.ts checks it.
];

function positions(b: number, t: number): Tensor {
  return constant(
    BigInt64Array.from({ length: b * t }, (_, i) => BigInt(i % t)),
    [b, t],
    'int64',
  );
}

export const compositeCases: GradCheckCase[] = [
  {
    name: 'linear',
    group: 'composite',
    inputs: [f('x', [2, 3, 4]), f('w', [5, 4]), f('b', [5])],
    build: (x, w, b) => C.linear(x, w, b),
  },
  {
    name: 'embedding',
    group: 'composite',
    inputs: [f('table', [7, 4]), ids('ids', [2, 3], 7)],
    build: (t, i) => C.embedding(t, i),
  },
  { name: 'rmsNorm', group: 'composite', inputs: [f('x', [2, 3, 6]), f('w', [6])], build: (x, w) => C.rmsNorm(x, w) },
  {
    name: 'layerNorm',
    group: 'composite',
    inputs: [f('x', [2, 3, 6]), f('w', [6]), f('b', [6])],
    build: (x, w, b) => C.layerNorm(x, w, b),
  },
  { name: 'silu', group: 'composite', inputs: [f('x', [3, 4])], build: (x) => C.silu(x) },
  { name: 'gelu (erf)', group: 'composite', dtype: 'float32', inputs: [f('x', [3, 4])], build: (x) => C.gelu(x) },
  { name: 'gelu (tanh)', group: 'composite', inputs: [f('x', [3, 4])], build: (x) => C.geluTanh(x) },
  {
    name: 'swiGlu',
    group: 'composite',
    inputs: [f('x', [2, 3, 4]), f('g', [6, 4]), f('u', [6, 4]), f('d', [4, 6])],
    build: (x, g, u, d) => C.swiGlu(x, g, u, d),
  },
  {
    name: 'rotary',
    group: 'composite',
    inputs: [f('x', [2, 2, 5, 4])],
    build: (x) => {
      const { cos, sin } = C.rotaryTables(positions(2, 5), 4, 16, 10000, 'float64');
      return C.rotary(x, cos, sin);
    },
  },
  {
    name: 'attention (causal, GQA)',
    group: 'composite',
    inputs: [f('q', [2, 4, 3, 4]), f('k', [2, 2, 3, 4]), f('v', [2, 2, 3, 4])],
    build: (q, k, v) => C.attention(q, k, v, C.causalMask(3, 3, 'float64')),
  },
  {
    name: 'attention (block mask)',
    group: 'composite',
    inputs: [f('q', [1, 2, 4, 4]), f('k', [1, 2, 4, 4]), f('v', [1, 2, 4, 4])],
    build: (q, k, v) => C.attention(q, k, v, C.blockMask([0, 0, 1, 1], false, 'float64')),
  },
  {
    name: 'attention (key padding)',
    group: 'composite',
    inputs: [f('q', [2, 2, 3, 4]), f('k', [2, 2, 3, 4]), f('v', [2, 2, 3, 4])],
    build: (q, k, v) => {
      // every query keeps at least one key (a fully masked row has no meaningful derivative)
      const keys = constant(BigInt64Array.from([1n, 1n, 0n, 1n, 1n, 1n]), [2, 3], 'int64');
      return C.attention(q, k, v, C.keyPaddingMask(keys, 'float64'));
    },
  },
  {
    name: 'attentionSplit (cache + recent)',
    group: 'composite',
    inputs: [
      f('q', [1, 4, 2, 4]),
      f('ck', [1, 2, 3, 4]),
      f('cv', [1, 2, 3, 4]),
      f('rk', [1, 2, 2, 4]),
      f('rv', [1, 2, 2, 4]),
    ],
    build: (q, ck, cv, rk, rv) => C.attentionSplit(q, ck, cv, rk, rv, C.causalMask(2, 5, 'float64')),
  },
  {
    name: 'crossEntropy (masked)',
    group: 'composite',
    inputs: [f('logits', [2, 3, 6]), ids('t', [2, 3], 6)],
    build: (l, t) => C.crossEntropy(l, t, constant(Float64Array.from([1, 1, 0, 1, 0, 1]), [2, 3], 'float64')),
  },
  {
    name: 'tokenLogprobs',
    group: 'composite',
    inputs: [f('logits', [2, 3, 6]), ids('t', [2, 3], 6)],
    build: (l, t) => C.tokenLogprobs(l, t),
  },
  { name: 'entropy', group: 'composite', inputs: [f('logits', [2, 5])], build: (l) => C.entropy(l) },
  { name: 'clip', group: 'composite', inputs: [f('x', [3, 4])], build: (x) => C.clip(x, -0.5, 0.7) },
  { name: 'minimum', group: 'composite', inputs: [f('a', [3, 4]), f('b', [3, 4])], build: (a, b) => O.minimum(a, b) },
];
