// A provider that refused its key or ran out of quota is not called again by the same toolbox (one hand search,
// or a whole run): later calls fail at once with the provider's message, and the log says so once, so a run
// with a bad key pauses its searches with one clear message instead of paying for requests that cannot succeed.
// Until a provider has answered once in this run, its calls go one at a time: calls made meanwhile (a turn's
// parallel searches, the pages of a search) wait for the first one's verdict, so a bad key costs one request,
// not one per call. Once it has answered, calls run in parallel.
import { SearchServiceError } from '../web/http';

export type Provider = 'serpapi' | 'searxng' | 'reader' | 'summariser';

/** Ends the message of a call refused here. */
export const STOPPED_NOTE = '(not called again until the key or plan changes)';

/** A call refused here, without a request: the provider's stop was already reported once. */
export class StoppedProviderError extends SearchServiceError {}

export class ProviderGate {
  private readonly stopped = new Map<Provider, SearchServiceError>();
  /** Providers that have answered a call in this run: their key and plan are known to work. */
  private readonly proven = new Set<Provider>();
  /** The call whose verdict the others wait for, per provider not yet proven. */
  private readonly probes = new Map<Provider, Promise<unknown>>();

  constructor(private readonly onStop: (provider: Provider, error: SearchServiceError) => void = () => {}) {}

  /** The refusal that stopped this provider in this run, or undefined while it is still called. */
  stopOf(provider: Provider): SearchServiceError | undefined {
    return this.stopped.get(provider);
  }

  async call<T>(provider: Provider, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      this.throwIfStopped(provider);
      if (this.proven.has(provider)) return this.attempt(provider, fn);
      const probe = this.probes.get(provider);
      if (!probe) break;
      // Its verdict decides: stopped (this call fails without a request), proven (calls go in parallel), or a
      // passing failure (the next waiting call tries).
      await probe.catch(() => {});
    }
    const attempt = this.attempt(provider, fn);
    this.probes.set(provider, attempt);
    try {
      return await attempt;
    } finally {
      this.probes.delete(provider);
    }
  }

  private throwIfStopped(provider: Provider): void {
    const stop = this.stopped.get(provider);
    if (stop)
      throw new StoppedProviderError(
        stop.service,
        stop.kind,
        `${stop.message.replace(`${stop.service}: `, '')} ${STOPPED_NOTE}`,
        stop.status,
      );
  }

  private async attempt<T>(provider: Provider, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.proven.add(provider);
      return result;
    } catch (error) {
      if (error instanceof SearchServiceError && error.permanent && !this.stopped.has(provider)) {
        this.stopped.set(provider, error);
        this.onStop(provider, error);
      }
      throw error;
    }
  }
}
