// The shape of one `searchlab <command>`: commands live one per file in ./commands and are listed in
// ./commands/index.ts. A command returns its exit code; it prints through ctx so tests can capture it.
export interface CliContext {
  /** Standard output, one call per line. */
  out(line: string): void;
  /** Standard error, one call per line. */
  err(line: string): void;
  /** Environment (SEARCHLAB_HOME etc.), injectable for tests. */
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** A usage error: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {}
