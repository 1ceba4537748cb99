import { describe, expect, it } from 'vitest';
import { gradcheckCommand } from '../../src/main/cli/commands/gradcheck';

function ctx() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, ctx: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} } };
}

describe('searchlab gradcheck', () => {
  it('prints a row per check and exits 0 when all pass', async () => {
    const c = ctx();
    const code = await gradcheckCommand.run(['--only', 'softmax'], c.ctx);
    expect(code).toBe(0);
    expect(c.out[0]).toMatch(/^op\s+group\s+dtype/);
    expect(c.out.filter((l) => /softmax/.test(l) && / ok$/.test(l)).length).toBe(3);
    expect(c.out.at(-1)).toMatch(/^3\/3 passed/);
  });

  it('exits 2 when nothing matches', async () => {
    const c = ctx();
    expect(await gradcheckCommand.run(['--only', 'no-such-op'], c.ctx)).toBe(2);
    expect(c.err[0]).toMatch(/no gradient check matches/);
  });
});
