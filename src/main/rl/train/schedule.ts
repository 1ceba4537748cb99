// Learning rate per step: linear warm-up, then constant, linear or cosine decay to minLrRatio·lr.
export type LrDecay = 'constant' | 'linear' | 'cosine';

export function learningRate(
  step: number,
  schedule: { lr: number; warmupSteps: number; decay: LrDecay; minLrRatio: number; steps: number },
): number {
  if (schedule.warmupSteps > 0 && step <= schedule.warmupSteps) return (schedule.lr * step) / schedule.warmupSteps;
  if (schedule.decay === 'constant') return schedule.lr;
  const span = Math.max(1, schedule.steps - schedule.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - schedule.warmupSteps) / span));
  const floor = schedule.lr * schedule.minLrRatio;
  const shape = schedule.decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return floor + (schedule.lr - floor) * shape;
}
