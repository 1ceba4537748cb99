// The process entry of the CLI (bin/searchlab.mjs loads this).
import { runCli, processContext } from './main';

const code = await runCli(process.argv.slice(2), processContext);
// Flush stdout before exiting: a pipe may still hold the JSON a caller waits for.
process.stdout.write('', () => process.exit(code));
