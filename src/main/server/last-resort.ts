// Browser mode's process also starts and follows the jobs (training runs of hours, each in its own process, which
// outlives a crash of this one). An error that escapes every request handler must not end the server: it is
// logged, and the server goes on. Requests are guarded one by one
// (server.ts); this catches what slips past them, such as a rejected promise nobody awaited.
import { logger } from '../platform/log';

const log = logger('server');

export function keepServingOnStrayErrors(): () => void {
  const onError = (error: unknown) =>
    log.error(`an error escaped its handler; the server goes on: ${(error as Error)?.stack ?? String(error)}`);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  };
}
