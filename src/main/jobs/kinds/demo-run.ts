// demo.run: the whole demo pipeline as one job (see demo/pipeline/pipeline.ts).
import { JobParamsByKind } from '../../../shared/contract';
import { defineJob } from '../kind';
import { runDemo } from '../../demo/pipeline/pipeline';

export const demoRunJob = defineJob({
  kind: 'demo.run',
  params: JobParamsByKind['demo.run'],
  title: (p) =>
    `Demo world${p.quick ? ' (quick)' : ''}${p.seed !== undefined ? `, seed ${p.seed}` : ''}` +
    `${p.noSearchPenalty ? ', no search penalty' : ''}${p.unbalanced ? ', unbalanced data' : ''}`,
  async run(ctx, params) {
    return runDemo(
      {
        store: ctx.store,
        home: ctx.home,
        log: ctx.log,
        progress: (d, t, m) => ctx.progress(d, t, m),
        throwIfCancelled: ctx.throwIfCancelled,
      },
      params,
    );
  },
});
