// The debugger's sample header for an imported rollout that matched no dataset sample: the question, gold answer,
// candidate answers and need its cluster logged, and a clear placeholder naming the image that is missing.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { FunctionComponent } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TrajectoryDetail } from '../../src/shared/contract';

interface PanelProps {
  detail: TrajectoryDetail;
  turn: number;
  setTurn(turn: number): void;
  showTokens: boolean;
}
// Loaded by name: the tests' TypeScript project does not compile JSX (Vitest does).
const PANEL = '../../src/renderer/src/trajectories/TrajectoryPanel';
let TrajectoryPanel: FunctionComponent<PanelProps>;
beforeAll(async () => {
  ({ TrajectoryPanel } = (await import(/* @vite-ignore */ PANEL)) as {
    TrajectoryPanel: FunctionComponent<PanelProps>;
  });
});

// Rendered to a string outside a window: no engine to call (effects do not run there anyway).
vi.mock('../../src/renderer/src/api/client', () => ({
  api: { call: () => new Promise(() => {}), on: () => () => {}, onConnection: () => () => {} },
  transportKind: 'ipc',
}));

const base: TrajectoryDetail = {
  id: 7,
  runId: 1,
  step: 1,
  groupIndex: 0,
  sampleIndex: 0,
  sampleId: null,
  question: null,
  need: null,
  endReason: 'answered',
  finalAnswer: 'Golden Gate',
  turns: 0,
  imageSearches: 0,
  textSearches: 0,
  generatedTokens: 0,
  total: 1,
  score: 1,
  format: 1,
  advantage: 0,
  zeroVariance: false,
  rewardError: null,
  sample: null,
  reward: null,
  turnList: [],
  tokens: { ids: [], lossMask: [], logprobs: [], texts: null },
};

const render = (detail: TrajectoryDetail) =>
  renderToStaticMarkup(createElement(TrajectoryPanel, { detail, turn: 0, setTurn: () => {}, showTokens: false }));

describe('TrajectoryPanel without a dataset sample', () => {
  it("shows the cluster's question, gold answer, candidates and need", () => {
    const html = render({
      ...base,
      reference: {
        question: 'Which bridge is this?',
        answer: 'Golden Gate Bridge',
        candidateAnswers: ['Golden Gate'],
        need: 'no_search',
        image: 'https://example.org/bridge.jpg',
      },
    });
    expect(html).toContain('Which bridge is this?');
    expect(html).toContain('gold: <b>Golden Gate Bridge</b>');
    expect(html).toContain('(also Golden Gate)');
    expect(html).toContain('need: no_search');
  });

  it('shows a placeholder naming the image the cluster logged, or saying it named none', () => {
    const reference = { question: 'Q?', answer: 'A', candidateAnswers: [], need: null };
    const named = render({ ...base, reference: { ...reference, image: 'https://example.org/bridge.jpg' } });
    expect(named).toContain('data-testid="image-missing"');
    expect(named).toContain('image missing: https://example.org/bridge.jpg');
    const unnamed = render({ ...base, reference: { ...reference, image: null } });
    expect(unnamed).toContain('image missing: the cluster named no image');
  });
});
