import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args';
import { runBenchmarks } from '../../bench/runner';

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'Run the benchmarks; print a table and a JSON document',
  usage: 'searchlab bench [SUITE...] [--quick] [--json-out FILE]',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      quick: { type: 'boolean', default: false },
      'json-out': { type: 'string' },
    });
    return runBenchmarks({ only: positionals, quick: values.quick, jsonOut: values['json-out'] }, ctx);
  },
};
