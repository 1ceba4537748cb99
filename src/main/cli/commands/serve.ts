import fs from 'node:fs';
import path from 'node:path';
import { UsageError, type CliCommand } from '../command';
import { commonOptions, parseCommandArgs, parsePort } from '../args';
import { resolveHome } from '../../platform/home';
import { rendererBuildDir } from '../../platform/package-root';
import { Engine } from '../../engine';
import { startServer } from '../../server/server';
import { keepServingOnStrayErrors } from '../../server/last-resort';
import { exportsFolder } from '../../platform/write-folders';
import { startDemoOnFirstLaunch } from '../../demo/first-launch';

/** `--allow-host localhost:9000`: a Host (and Origin) accepted besides this server's own, for a tunnel on another port. */
function parseAllowedHost(value: string): string {
  const match = /^(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535)
    throw new UsageError(
      `--allow-host must be localhost:PORT, 127.0.0.1:PORT or [::1]:PORT (a local tunnel's end), got "${value}"`,
    );
  return value;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Browser mode: serve the app on 127.0.0.1 with a per-launch token',
  usage:
    'searchlab serve [--port N] [--allow-host HOST:PORT]... [--export-dir DIR]... [--allow-paths-outside] ' +
    '[--allow-private-urls] [--home DIR] [--no-demo]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        ...commonOptions,
        port: { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        'export-dir': { type: 'string', multiple: true },
        'no-demo': { type: 'boolean', default: false },
        // What an import may reach over browser mode, as `searchlab import` allows per call (see jobs.start).
        'allow-paths-outside': { type: 'boolean', default: false },
        'allow-private-urls': { type: 'boolean', default: false },
      },
      false,
    );
    const rendererDir = rendererBuildDir();
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
      ctx.err(
        `The UI is not built (${rendererDir} has no index.html): run \`npm run build\` first, or use \`npm start\`.`,
      );
      return 1;
    }
    const home = resolveHome(values.home, ctx.env);
    // Exports over browser mode go to the data folder's exports/ or to folders named here (see platform/write-folders.ts).
    const writeFolders = [exportsFolder(home), ...(values['export-dir'] ?? []).map((dir) => path.resolve(dir))];
    fs.mkdirSync(writeFolders[0], { recursive: true, mode: 0o700 });
    const engine = Engine.open({
      home,
      face: 'browser',
      writeFolders,
      importSwitches: {
        allowPathsOutside: values['allow-paths-outside'],
        allowPrivateUrls: values['allow-private-urls'],
      },
    });
    const allowHosts = (values['allow-host'] ?? []).map(parseAllowedHost);
    const server = await startServer({ engine, port: parsePort(values.port, 0), rendererDir, allowHosts });
    const stopGuard = keepServingOnStrayErrors();
    ctx.out(`SearchLab browser mode (data folder ${home})`);
    ctx.out(`Open ${server.url}`);
    // An empty data folder opens on the demo world, built in the background (see the jobs panel).
    const demoJob = values['no-demo'] ? null : await startDemoOnFirstLaunch(engine, ctx.env);
    if (demoJob !== null) ctx.out('Building the demo world in the background (a few minutes; progress in the app).');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    stopGuard();
    await server.close();
    await engine.close();
    return 0;
  },
};
