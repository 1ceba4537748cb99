// Where each stored search key is sent. Changing that place (another origin in a base URL) forgets the key, so
// whoever holds the browser-mode token cannot redirect the user's keys to a host of their choosing: the user
// enters the key again for the new place.
import type { SearchConfig, SecretName } from '../../../shared/contract';

const DESTINATIONS: Record<SecretName, (config: SearchConfig) => string> = {
  serpapi: (c) => c.serpapi.baseUrl,
  jina: (c) => c.reader.baseUrl,
  summariser: (c) => c.summariser.baseUrl,
};

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The keys whose destination origin differs between two configurations. */
export function keysWithNewDestination(before: SearchConfig, after: SearchConfig): SecretName[] {
  return (Object.keys(DESTINATIONS) as SecretName[]).filter(
    (name) => origin(DESTINATIONS[name](before)) !== origin(DESTINATIONS[name](after)),
  );
}
