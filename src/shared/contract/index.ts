// The whole API between the engine and its faces (Electron renderer, browser mode, CLI).
// Each concern defines its methods and events in its own file; this file only gathers them.
import type { z } from 'zod';
import { systemMethods } from './system';
import { jobMethods, jobEvents } from './jobs';
import { settingsMethods } from './settings';
import { storageMethods } from './storage';
import { datasetMethods } from './datasets';
import { searchMethods } from './search';
import { runMethods } from './runs';
import { trajectoryMethods } from './trajectories';
import { rewardMethods } from './reward';
import { replayMethods } from './replay';
import { evalMethods } from './evals';
import { modelMethods } from './models';

export const methods = {
  ...systemMethods,
  ...jobMethods,
  ...settingsMethods,
  ...storageMethods,
  ...datasetMethods,
  ...searchMethods,
  ...runMethods,
  ...trajectoryMethods,
  ...rewardMethods,
  ...replayMethods,
  ...evalMethods,
  ...modelMethods,
};

export const events = {
  ...jobEvents,
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;
/** What a caller passes (defaults may be left out). */
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives (defaults filled in). */
export type Params<M extends MethodName> = z.output<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;
export type EventData<E extends EventName> = z.output<(typeof events)[E]>;

export * from './system';
export * from './jobs';
export * from './settings';
export * from './storage';
export * from './datasets';
export * from './search';
export * from './runs';
export * from './trajectories';
export * from './reward';
export * from './replay';
export * from './evals';
export * from './models';
export { method, NoParams, Ok } from './define';
