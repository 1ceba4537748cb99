import type { CliCommand } from '../command';
import { serveCommand } from './serve';
import { infoCommand } from './info';
import { jobsCommand } from './jobs';
import { benchCommand } from './bench';
import { importCommand } from './import';
import { exportCommand } from './export';
import { datasetsCommand } from './datasets';
import { corpusCommand } from './corpus';
import { searchCommand } from './search';
import { trainCommand } from './train';
import { runsCommand } from './runs';
import { demoCommand } from './demo';
import { evalCommand } from './eval';
import { gradcheckCommand } from './gradcheck';
import { modelCommand } from './model';
import { modelsCommand } from './models';
import { exportVerlCommand } from './export-verl';
import { importRolloutsCommand } from './import-rollouts';

/** Every `searchlab` command. Add a command: one file in this folder, one line here. */
export const commands: CliCommand[] = [
  serveCommand,
  infoCommand,
  jobsCommand,
  benchCommand,
  importCommand,
  exportCommand,
  datasetsCommand,
  corpusCommand,
  searchCommand,
  trainCommand,
  runsCommand,
  demoCommand,
  evalCommand,
  gradcheckCommand,
  exportVerlCommand,
  importRolloutsCommand,
  modelCommand,
  modelsCommand,
];
