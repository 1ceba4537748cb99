import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args';

/** `npm run gradcheck`: every op's and the tiny model's gradient against finite differences, run through onnxruntime. */
export const gradcheckCommand: CliCommand = {
  name: 'gradcheck',
  summary: 'Check every primitive, composite and the tiny VLM against finite differences; print a table',
  usage: 'searchlab gradcheck [--only SUBSTRING] [--json]',
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      { only: { type: 'string' }, json: { type: 'boolean', default: false } },
      false,
    );
    const { allGradCheckCases, gradCheckAll, formatResults } = await import('../../model');
    const cases = allGradCheckCases().filter((c) => !values.only || c.name.includes(values.only));
    if (!cases.length) {
      ctx.err(`no gradient check matches "${values.only}"`);
      return 2;
    }
    const results = await gradCheckAll(cases);
    if (values.json) ctx.out(JSON.stringify(results));
    else for (const line of formatResults(results)) ctx.out(line);
    return results.every((r) => r.passed) ? 0 : 1;
  },
};
