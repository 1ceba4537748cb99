import type { CliCommand } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'Version, data folder, schema, device and row counts',
  usage: 'searchlab info [--home DIR] [--json]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, commonOptions, false);
    return withEngine(values.home, ctx, async (engine) => {
      const info = await engine.call('system.info', {});
      const stats = await engine.call('storage.stats', {});
      if (values.json) {
        ctx.out(JSON.stringify({ ...info, storage: stats }));
        return 0;
      }
      ctx.out(`SearchLab ${info.version} (node ${info.node})`);
      ctx.out(`data folder  ${info.home}`);
      ctx.out(`database     ${stats.path} (schema ${stats.schemaVersion}, ${(stats.bytes / 1e6).toFixed(1)} MB)`);
      ctx.out(
        `device       ${info.device.kind.toUpperCase()} ${info.device.name}${info.device.notice ? ` (${info.device.notice})` : ''}`,
      );
      for (const [table, n] of Object.entries(stats.counts)) ctx.out(`  ${table.padEnd(13)}${n}`);
      return 0;
    });
  },
};
