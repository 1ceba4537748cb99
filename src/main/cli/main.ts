// `searchlab <command> [args]`: dispatch to one command, print usage on a usage error.
import type { CliContext } from './command';
import { UsageError } from './command';
import { commands } from './commands';
import { errorMessage } from '../platform/errors';
import { redact } from '../platform/log';

export function helpText(): string {
  const lines = ['Usage: searchlab <command> [options]', '', 'Commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(12)}${c.summary}`);
  lines.push('', 'Every command takes --home DIR (or SEARCHLAB_HOME) to choose the data folder.');
  return lines.join('\n');
}

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    ctx.out(helpText());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    ctx.err(`Unknown command "${name}".\n${helpText()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    ctx.out(`${command.summary}\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.err(`searchlab ${name}: ${error.message}\nUsage: ${command.usage}`);
      return 2;
    }
    ctx.err(`searchlab ${name}: ${redact(errorMessage(error))}`);
    return 1;
  }
}

export const processContext: CliContext = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  env: process.env,
};
