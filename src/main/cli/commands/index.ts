import type { CliCommand } from '../command';
import { serveCommand } from './serve';
import { infoCommand } from './info';
import { jobsCommand } from './jobs';
import { benchCommand } from './bench';
import { corpusCommand } from './corpus';
import { searchCommand } from './search';

/** Every `searchlab` command. Add a command: one file in this folder, one line here. */
export const commands: CliCommand[] = [
  serveCommand,
  infoCommand,
  jobsCommand,
  benchCommand,
  corpusCommand,
  searchCommand,
];
