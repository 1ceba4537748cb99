import type { CliContext } from './command';
import { Engine } from '../engine';
import { resolveHome } from '../platform/home';

/** Opens the engine on the chosen home for one command, and closes it whatever happens. */
export async function withEngine(
  homeFlag: string | undefined,
  ctx: CliContext,
  body: (engine: Engine) => Promise<number>,
): Promise<number> {
  const engine = Engine.open({ home: resolveHome(homeFlag, ctx.env), face: 'cli' });
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}
