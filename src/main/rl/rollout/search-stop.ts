// A run's searches stopped for good: the provider refused its key or ran out of searches or credit, so every later
// search would fail without a request. A training run pauses on it and an evaluation stops, each with one message
// naming the provider, its own words and what to do, instead of going on with failed results.
import type { SearchStop } from '../../search';

/** The searches a run needs were stopped for good: a training run pauses on it, an evaluation stops. */
export class SearchesStopped extends Error {
  constructor(
    message: string,
    readonly stop: SearchStop,
  ) {
    super(message);
    this.name = 'SearchesStopped';
  }
}

/** What to do about a stopped provider, said once: the provider, its own message and how to go on. */
export function searchStopMessage(stop: SearchStop): string {
  const fix =
    stop.provider === 'serpapi'
      ? 'change the key or plan (`searchlab search config set keys.serpapi -`)'
      : `check the ${stop.provider} service`;
  return `searches stopped: ${stop.message.replace(/\.?$/, '.')} To go on, ${fix}.`;
}

/** Throws SearchesStopped, its message led by `context`, when the tools' searches were stopped for good. */
export function throwIfSearchesStopped(tools: { stopped?(): SearchStop | null | undefined }, context: string): void {
  const stop = tools.stopped?.();
  if (stop) throw new SearchesStopped(`${context}: ${searchStopMessage(stop)}`, stop);
}
