import type { CliCommand } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';

export const datasetsCommand: CliCommand = {
  name: 'datasets',
  summary: 'List datasets with their samples, images and label counts',
  usage: 'searchlab datasets [--home DIR] [--json]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, commonOptions, false);
    return withEngine(values.home, ctx, async (engine) => {
      const list = await engine.call('datasets.list', {});
      if (values.json) {
        ctx.out(JSON.stringify(list.map((d) => ({ name: d.name, samples: d.samples, images: d.images, labels: d.labels }))));
        return 0;
      }
      if (list.length === 0) ctx.out('No datasets yet. Import one: searchlab import FILE --dataset NAME');
      for (const d of list) {
        const labels = Object.entries(d.labels).map(([k, n]) => `${k} ${n}`).join(', ');
        ctx.out(`${d.name.padEnd(24)} ${String(d.samples).padStart(8)} samples ${String(d.images).padStart(7)} images  ${labels || 'no labels'}${d.recipe ? '  (balanced subset)' : ''}`);
      }
      return 0;
    });
  },
};
