// `npm run bench lab`: opening a run of 100,000 trajectories in the debugger. A run is written through the
// trajectories repository (3 turns, a tool result and a reward each, 25,000 groups of 4 over 100 steps), then
// the debugger's calls go through the engine as the UI makes them (validation included): the first page, pages
// deep in the list (what scrolling fetches), a filtered first page, the step list, one trajectory in full.
// Reference: the bare indexed page query on the same table (no reward join, no group statistics).
//
// Last results (`node bin/searchlab.mjs bench lab`, 2-core CI-like box, Node 20, other work running; the run is
// written in 14.7 s):
//   first page of 100,000 trajectories (100 rows)             38.8 ms  vs bare indexed page query 0.17 ms
//   a page anywhere in the list (scrolling), median of 10     11.3 ms  vs bare indexed page query 1.5 ms (7.4×)
//   first page of one step                                     2.7 ms
//   first page, zero-variance groups only                      313 ms  (group spread computed per row)
//   step list (100 steps with group statistics)                 97 ms
//   one trajectory in full (3 turns, tokens) · one GRPO group  14 ms · 1.4 ms
// The list view fetches 100-row pages as they scroll into view, so the UI never waits on more than one page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchSuite } from '../suite';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time<T>(fn: () => Promise<T> | T): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export const labSuite: BenchSuite = {
  name: 'lab',
  summary:
    'Trajectory debugger on a run of 100,000 trajectories: first page, deep pages (scrolling), filters, steps, one trajectory',
  async run(report, { quick }) {
    const { Engine } = await import('../../engine');
    const count = quick ? 10_000 : 100_000;
    const groupSize = 4;
    const perStep = count / 100;
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'searchlab-bench-lab-'));
    const engine = Engine.open({ home, face: 'cli' });
    try {
      const { store } = engine;
      const run = store.repos.runs.insert('bench', 'grpo', {});
      const specId = store.repos.trajectories.ensureSpec({
        name: 'bench',
        version: 1,
        expression: 'score',
        constants: {},
      });
      const tool = {
        tool: 'text_search',
        engine: 'local',
        key: 'k',
        cache: 'hit',
        ok: true,
        text: 'results',
        images: [],
        results: [
          {
            rank: 1,
            title: 'A page',
            url: 'https://example.org',
            snippet: null,
            summary: 'about it',
            imageSha256: null,
            imageUrl: null,
          },
        ],
        error: null,
        latencyMs: 3,
        cost: 0,
      };
      const t0 = performance.now();
      store.db.transaction(() => {
        for (let i = 0; i < count; i++) {
          const step = 1 + Math.floor(i / perStep);
          const within = i % perStep;
          const score = (i * 7919) % 5 === 0 ? 1 : 0;
          const tokens = Array.from({ length: 40 }, (_, k) => (i + k) % 500);
          store.repos.trajectories.insert({
            runId: run.id,
            step,
            groupIndex: Math.floor(within / groupSize),
            sampleIndex: within % groupSize,
            sampleId: null,
            checkpointId: null,
            evaluationId: null,
            endReason: 'answered',
            finalAnswer: 'x',
            generatedTokens: 120,
            imageSearches: 0,
            textSearches: i % 3 === 0 ? 1 : 0,
            ids: [...tokens, ...tokens, ...tokens],
            lossMask: Array.from({ length: 120 }, (_, k) => (k % 40 < 20 ? 1 : 0)),
            logprobs: Array.from({ length: 120 }, () => -0.5),
            turns: [0, 1, 2].map((index) => ({
              index,
              promptText: 'prompt',
              responseText: '<reason>r</reason><answer>x</answer>',
              tokenIds: tokens,
              logprobs: tokens.map(() => -0.5),
              action: index === 0 ? 'text_search' : 'answer',
              actionArg: 'q',
              reasoning: 'r',
              wellFormed: true,
              finish: 'stop',
              toolCacheKey: index === 0 ? 'k' : null,
              toolResult: index === 0 ? tool : null,
              latencyMs: 3,
            })),
            reward: {
              specId,
              total: score,
              parts: { score, format: 1, penalty: 0, variables: {} },
              advantage: score - 0.2,
            },
          });
        }
      })();
      report.log(`wrote ${count} trajectories in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      const call = engine.call.bind(engine);
      // Warm the statement cache once, as an open UI would have.
      await call('trajectories.list', { runId: run.id, limit: 100 });
      const first = median(
        await Promise.all([0, 1, 2].map(() => time(() => call('trajectories.list', { runId: run.id, limit: 100 })))),
      );
      const raw = store.db.prepare(
        'SELECT id, step, group_index, sample_index FROM trajectories WHERE run_id = ? ORDER BY step, group_index, sample_index LIMIT 100 OFFSET ?',
      );
      const rawFirst = median(
        [0, 1, 2].map(() => {
          const t = performance.now();
          raw.all(run.id, 0);
          return performance.now() - t;
        }),
      );
      report.add({
        name: `first page of ${count.toLocaleString('en')} trajectories (100 rows)`,
        value: first,
        unit: 'ms',
        reference: { name: 'bare indexed page query', value: rawFirst },
      });

      const offsets = Array.from({ length: 10 }, (_, k) => Math.floor(((k + 0.5) / 10) * (count - 100)));
      const deep: number[] = [];
      for (const offset of offsets)
        deep.push(await time(() => call('trajectories.list', { runId: run.id, offset, limit: 100 })));
      const rawDeep = median(
        offsets.map((offset) => {
          const t = performance.now();
          raw.all(run.id, offset);
          return performance.now() - t;
        }),
      );
      report.add({
        name: 'a page anywhere in the list (scrolling), median of 10',
        value: median(deep),
        unit: 'ms',
        reference: { name: 'bare indexed page query', value: rawDeep },
      });
      report.add({
        name: 'first page of one step',
        value: await time(() => call('trajectories.list', { runId: run.id, step: 50, limit: 100 })),
        unit: 'ms',
      });
      report.add({
        name: 'first page, zero-variance groups only',
        value: await time(() => call('trajectories.list', { runId: run.id, zeroVariance: true, limit: 100 })),
        unit: 'ms',
      });
      report.add({
        name: 'step list (100 steps with group statistics)',
        value: await time(() => call('trajectories.steps', { runId: run.id })),
        unit: 'ms',
      });
      const one = (await call('trajectories.list', { runId: run.id, offset: Math.floor(count / 2), limit: 1 }))
        .items[0];
      report.add({
        name: 'one trajectory in full (3 turns, tokens)',
        value: await time(() => call('trajectories.get', { id: one.id })),
        unit: 'ms',
      });
      const spec = { name: 'bench', expression: 'score + 0.1 * format - 0.01 * searches', constants: {} };
      // Re-scoring is a job (its own process, stored whole): timed from start to its record, then reading it back.
      let rescoreId = 0;
      report.add({
        name: `re-score ${count.toLocaleString('en')} trajectories as a job, advantages recomputed, stored`,
        value: await time(async () => {
          const job = await call('jobs.start', { kind: 'reward.rescore', params: { runId: run.id, spec } });
          await engine.jobs.idle();
          rescoreId = ((await call('jobs.get', { id: job.id })).result as { rescoreId: number }).rescoreId;
        }),
        unit: 'ms',
      });
      report.add({
        name: 'read a stored re-scoring back: histogram, sign flips',
        value: await time(() => call('reward.rescored', { id: rescoreId })),
        unit: 'ms',
      });
      report.add({
        name: 'one GRPO group',
        value: await time(() =>
          call('trajectories.group', { runId: run.id, step: one.step, groupIndex: one.groupIndex }),
        ),
        unit: 'ms',
      });
    } finally {
      await engine.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  },
};
