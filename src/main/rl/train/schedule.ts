// Learning rate per step: linear warm-up, then constant, linear or cosine decay to minLrRatio·lr.
export type LrDecay = 'constant' | 'linear' | 'cosine';

export function learningRate(
  step: number,
  o: { lr: number; warmupSteps: number; decay: LrDecay; minLrRatio: number; steps: number },
): number {
  if (o.warmupSteps > 0 && step <= o.warmupSteps) return (o.lr * step) / o.warmupSteps;
  if (o.decay === 'constant') return o.lr;
  const span = Math.max(1, o.steps - o.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - o.warmupSteps) / span));
  const floor = o.lr * o.minLrRatio;
  const shape = o.decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return floor + (o.lr - floor) * shape;
}
