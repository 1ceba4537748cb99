// The host side of a decoder's key/value cache: per layer, keys and values for S slots of each row, written from a
// prefill's outputs and then from each decode run's outputs. Decode graphs take the cache as an input only (it goes
// in without a copy on the CPU) and return just the new tokens' keys/values, so the whole cache never comes back
// across the bus. A slot is visible to attention once written, unless it was written as padding: a left-padded
// prefill may keep its padded positions in place (so every row's tokens share slot numbers) but hidden.

import type { TensorData } from '../graph/tensor';

export interface KvAppendOptions {
  /** `from[b]` skips row b's leading positions (left padding), so the row's cache holds only its real tokens. */
  from?: readonly number[];
  /** Rows to write (default all); a row left out keeps its slots as they are. */
  rows?: readonly boolean[];
  /** [B, T] attention mask of the block: positions where it is 0 are written but stay hidden from attention. */
  mask?: ArrayLike<bigint>;
}

export class KvCache {
  readonly keys: Float32Array[] = [];
  readonly values: Float32Array[] = [];
  /** Slots in use per row. */
  readonly filled: number[];
  /** [B, S]: 1 where a slot holds a token attention may see. */
  private readonly visible: Uint8Array;

  /**
   * `lookahead`: key-mask columns after the S slots, one per token a decode run feeds (always visible); a decode
   * graph that samples k tokens per run takes k of them.
   */
  constructor(
    readonly layers: number,
    readonly batch: number,
    readonly heads: number,
    readonly slots: number,
    readonly headDim: number,
    readonly lookahead = 1,
  ) {
    for (let l = 0; l < layers; l++) {
      this.keys.push(new Float32Array(batch * heads * slots * headDim));
      this.values.push(new Float32Array(batch * heads * slots * headDim));
    }
    this.filled = new Array<number>(batch).fill(0);
    this.visible = new Uint8Array(batch * slots);
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

  private ensureRoom(row: number, count: number) {
    if (this.filled[row] + count > this.slots)
      throw new Error(
        `KV cache full: row ${row} holds ${this.filled[row]} of ${this.slots} slots and ${count} more were written`,
      );
  }

  /** Appends `length` positions per row from a graph's outputs (`keys[l]`, `values[l]`: [B, H, length, hd]). */
  append(
    keys: readonly TensorData[],
    values: readonly TensorData[],
    length: number,
    { from = [], rows, mask }: KvAppendOptions = {},
  ) {
    for (let b = 0; b < this.batch; b++) {
      if (rows && !rows[b]) continue;
      const skip = from[b] ?? 0;
      const count = length - skip;
      this.ensureRoom(b, count);
      for (let l = 0; l < this.layers; l++) {
        this.write(this.keys[l], keys[l] as Float32Array, length, skip, count, b, this.filled[b]);
        this.write(this.values[l], values[l] as Float32Array, length, skip, count, b, this.filled[b]);
      }
      for (let j = 0; j < count; j++)
        this.visible[b * this.slots + this.filled[b] + j] = mask && mask[b * length + skip + j] === 0n ? 0 : 1;
      this.filled[b] += count;
    }
  }

  /** Appends a one-row block ([1, H, T, hd] per layer, e.g. that row's own prefill) to row `row`. */
  appendRow(row: number, keys: readonly TensorData[], values: readonly TensorData[], length: number) {
    this.ensureRoom(row, length);
    for (let l = 0; l < this.layers; l++) {
      this.write(this.keys[l], keys[l] as Float32Array, length, 0, length, row, this.filled[row], 0);
      this.write(this.values[l], values[l] as Float32Array, length, 0, length, row, this.filled[row], 0);
    }
    this.visible.fill(1, row * this.slots + this.filled[row], row * this.slots + this.filled[row] + length);
    this.filled[row] += length;
  }

  /** [B, S + lookahead] int64: 1 for visible slots, then 1 for each token being decoded. */
  keyMask(): BigInt64Array {
    const S = this.slots;
    const W = S + this.lookahead;
    const mask = new BigInt64Array(this.batch * W);
    for (let b = 0; b < this.batch; b++) {
      for (let s = 0; s < S; s++) if (this.visible[b * S + s]) mask[b * W + s] = 1n;
      for (let j = 0; j < this.lookahead; j++) mask[b * W + S + j] = 1n;
    }
    return mask;
  }

  /** The feeds of a decode graph's past keys/values, named by `name(kind, layer)`. */
  feeds(name: (kind: 'k' | 'v', layer: number) => string): Record<string, TensorData> {
    const data: Record<string, TensorData> = {};
    for (let l = 0; l < this.layers; l++) {
      data[name('k', l)] = this.keys[l];
      data[name('v', l)] = this.values[l];
    }
    return data;
  }

  /** Bytes held (keys and values, every layer). */
  get bytes(): number {
    return 2 * this.layers * this.batch * this.heads * this.slots * this.headDim * 4;
  }
}
