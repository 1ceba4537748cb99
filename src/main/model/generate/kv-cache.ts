// The host side of a decoder's key/value cache: per layer, keys and values for S slots of each row, written from a
// prefill's outputs and then one token at a time from each decode step's outputs. Decode graphs take the cache as
// an input only (it goes in without a copy on the CPU) and return just the new token's keys/values, so the whole
// cache never comes back across the bus.

import type { TensorData } from '../graph/tensor';

export class KvCache {
  readonly keys: Float32Array[] = [];
  readonly values: Float32Array[] = [];
  /** Slots in use per row. */
  readonly filled: number[];

  constructor(
    readonly layers: number,
    readonly batch: number,
    readonly heads: number,
    readonly slots: number,
    readonly headDim: number,
  ) {
    for (let l = 0; l < layers; l++) {
      this.keys.push(new Float32Array(batch * heads * slots * headDim));
      this.values.push(new Float32Array(batch * heads * slots * headDim));
    }
    this.filled = new Array<number>(batch).fill(0);
  }

  /**
   * Copies `count` positions of block row `sourceRow` ([B', H, T, hd], from position `from`) into cache row `row`
   * at `slot`.
   */
  private write(
    target: Float32Array,
    source: Float32Array,
    T: number,
    from: number,
    count: number,
    row: number,
    slot: number,
    sourceRow = row,
  ) {
    const hd = this.headDim;
    for (let h = 0; h < this.heads; h++) {
      const src = ((sourceRow * this.heads + h) * T + from) * hd;
      const dst = ((row * this.heads + h) * this.slots + slot) * hd;
      target.set(source.subarray(src, src + count * hd), dst);
    }
  }

  /**
   * Appends `T` positions per row from a graph's outputs (`k[l]`, `v[l]`: [B, H, T, hd]); `from[b]` skips a row's
   * leading positions (left padding), so a row's cache holds only its real tokens.
   */
  append(
    k: readonly TensorData[],
    v: readonly TensorData[],
    T: number,
    from: readonly number[] = [],
    rows?: readonly boolean[],
  ) {
    for (let b = 0; b < this.batch; b++) {
      if (rows && !rows[b]) continue;
      const skip = from[b] ?? 0;
      const count = T - skip;
      if (this.filled[b] + count > this.slots)
        throw new Error(
          `KV cache full: row ${b} holds ${this.filled[b]} of ${this.slots} slots and ${count} more were written`,
        );
      for (let l = 0; l < this.layers; l++) {
        this.write(this.keys[l], k[l] as Float32Array, T, skip, count, b, this.filled[b]);
        this.write(this.values[l], v[l] as Float32Array, T, skip, count, b, this.filled[b]);
      }
      this.filled[b] += count;
    }
  }

  /** Appends a one-row block ([1, H, T, hd] per layer, e.g. that row's own prefill) to row `row`. */
  appendRow(row: number, k: readonly TensorData[], v: readonly TensorData[], T: number) {
    if (this.filled[row] + T > this.slots)
      throw new Error(
        `KV cache full: row ${row} holds ${this.filled[row]} of ${this.slots} slots and ${T} more were written`,
      );
    for (let l = 0; l < this.layers; l++) {
      this.write(this.keys[l], k[l] as Float32Array, T, 0, T, row, this.filled[row], 0);
      this.write(this.values[l], v[l] as Float32Array, T, 0, T, row, this.filled[row], 0);
    }
    this.filled[row] += T;
  }

  /** [B, S + 1] int64: 1 for filled slots, then 1 for the token being decoded. */
  keyMask(): BigInt64Array {
    const S = this.slots;
    const mask = new BigInt64Array(this.batch * (S + 1));
    for (let b = 0; b < this.batch; b++) {
      for (let s = 0; s < this.filled[b]; s++) mask[b * (S + 1) + s] = 1n;
      mask[b * (S + 1) + S] = 1n;
    }
    return mask;
  }

  /** Bytes held (keys and values, every layer). */
  get bytes(): number {
    return 2 * this.layers * this.batch * this.heads * this.slots * this.headDim * 4;
  }
}
