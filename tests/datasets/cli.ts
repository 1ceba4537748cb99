// Runs `searchlab …` in-process with its output captured, as the real binary would print it.
import { runCli } from '../../src/main/cli/main';

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string; json(): any }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n'), json: () => JSON.parse(out.join('\n')) };
}
