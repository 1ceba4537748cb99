// A provider that refused its key or ran out of quota is not called again by the same toolbox (one hand search,
// or a whole run): later calls fail at once with the provider's message, and the log says so once, so a run
// with a bad key pauses its searches with one clear message instead of paying for requests that cannot succeed.
import { SearchServiceError } from '../web/http';

export type Provider = 'serpapi' | 'searxng' | 'reader' | 'summariser';

/** Ends the message of a call refused here. */
export const STOPPED_NOTE = '(not called again until the key or plan changes)';

/** A call refused here, without a request: the provider's stop was already reported once. */
export class StoppedProviderError extends SearchServiceError {}

export class ProviderGate {
  private readonly stopped = new Map<Provider, SearchServiceError>();

  constructor(private readonly onStop: (provider: Provider, error: SearchServiceError) => void = () => {}) {}

  /** The refusal that stopped this provider in this run, or undefined while it is still called. */
  stopOf(provider: Provider): SearchServiceError | undefined {
    return this.stopped.get(provider);
  }

  async call<T>(provider: Provider, fn: () => Promise<T>): Promise<T> {
    const stop = this.stopped.get(provider);
    if (stop)
      throw new StoppedProviderError(
        stop.service,
        stop.kind,
        `${stop.message.replace(`${stop.service}: `, '')} ${STOPPED_NOTE}`,
        stop.status,
      );
    try {
      return await fn();
    } catch (error) {
      if (error instanceof SearchServiceError && error.permanent && !this.stopped.has(provider)) {
        this.stopped.set(provider, error);
        this.onStop(provider, error);
      }
      throw error;
    }
  }
}
