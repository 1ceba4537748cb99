import type { CliCommand } from '../command';

/** Every `searchlab` command. Add a command: one file in this folder, one line here. */
export const commands: CliCommand[] = [];
