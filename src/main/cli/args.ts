// Argument parsing shared by the commands: node's own parseArgs, with usage errors that name the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** --home and --json appear on most commands. */
export const commonOptions = {
  home: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  return port;
}
