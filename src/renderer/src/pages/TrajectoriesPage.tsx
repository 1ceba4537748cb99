// The trajectory debugger: run → step → group → trajectory → turn, driven by the keyboard as well as the mouse.
import { useCallback, useEffect, useState } from 'react';
import { EmptyState } from '../components/EmptyState';
import { useDebugger } from '../trajectories/store';
import { Toolbar } from '../trajectories/Toolbar';
import { TrajectoryList } from '../trajectories/TrajectoryList';
import { TrajectoryPanel } from '../trajectories/TrajectoryPanel';
import { GroupView } from '../trajectories/GroupView';
import { CompareView } from '../trajectories/CompareView';
import { useReward } from '../reward/store';
import { useReplay } from '../trajectories/replay-store';
import '../trajectories/trajectories.css';

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

export function TrajectoriesPage() {
  const {
    runId,
    total,
    detail,
    turn,
    group,
    compare,
    toggleCompare,
    move,
    moveTurn,
    setTurn,
    toggleGroup,
    openId,
    filters,
    setFilters,
  } = useDebugger();
  const [showTokens, setShowTokens] = useState(false);
  const pinned = useReward((s) => s.pinned);
  const isPinned = detail !== null && pinned.includes(detail.id);
  // Pinned trajectories are the reward editor's preview set.
  const togglePin = useCallback(() => {
    const id = useDebugger.getState().detail?.id;
    if (id === undefined) return;
    const reward = useReward.getState();
    if (reward.pinned.includes(id)) reward.unpin(id);
    else reward.pin(id);
  }, []);

  // W: "what if…" at the current turn (a decision point), or close it.
  const toggleReplay = useCallback(() => {
    const { detail: d, turn: k } = useDebugger.getState();
    const replay = useReplay.getState();
    if (!d) return;
    if (replay.trajectoryId === d.id && replay.turn === k) replay.close();
    else void replay.openAt(d.id, k);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const keys: Record<string, () => void> = {
        ArrowDown: () => move(1),
        n: () => move(1),
        ArrowUp: () => move(-1),
        p: () => move(-1),
        ArrowRight: () => moveTurn(1),
        l: () => moveTurn(1),
        ArrowLeft: () => moveTurn(-1),
        h: () => moveTurn(-1),
        g: () => void toggleGroup(),
        t: () => setShowTokens((v) => !v),
        m: () => togglePin(),
        c: () => void toggleCompare(),
        z: () => void setFilters({ ...filters, zeroVariance: filters.zeroVariance ? undefined : true }),
        w: () => toggleReplay(),
        Escape: () => useReplay.getState().close(),
      };
      const action = keys[e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, moveTurn, toggleGroup, toggleCompare, filters, setFilters, togglePin, toggleReplay]);

  return (
    <section className="page lab-debugger">
      <h1>Trajectories</h1>
      <Toolbar />
      {runId !== null && total === 0 ? (
        <EmptyState title="No trajectories here">
          <p>
            This run has no training rollouts matching the filters. GRPO runs record every trajectory of every step.
          </p>
        </EmptyState>
      ) : null}
      {runId === null ? (
        <EmptyState title="No trajectories yet">
          <p>
            Step through a rollout turn by turn: the question image, the model's reasoning, its search or answer, what
            the search tool returned, and the reward's parts.
          </p>
          <p>See each GRPO group side by side with advantages, and groups where every sample scored the same.</p>
        </EmptyState>
      ) : null}
      {total > 0 ? (
        <div className="lab-split">
          <TrajectoryList />
          <div className="lab-detail">
            <div className="muted lab-keys" data-testid="debugger-keys">
              <kbd>↑</kbd>/<kbd>↓</kbd> trajectory · <kbd>←</kbd>/<kbd>→</kbd> turn · <kbd>G</kbd> group · <kbd>T</kbd>{' '}
              tokens · <kbd>M</kbd> pin · <kbd>C</kbd> across checkpoints · <kbd>W</kbd> what if… · <kbd>Z</kbd>{' '}
              zero-variance only
              <button className="small ghost" onClick={() => void toggleGroup()}>
                {group ? 'Hide group' : 'Show group'}
              </button>
              <button className="small ghost" onClick={() => setShowTokens((v) => !v)}>
                {showTokens ? 'Hide tokens' : 'Show tokens'}
              </button>
              <button className="small ghost" onClick={() => void toggleCompare()}>
                {compare ? 'Hide checkpoints' : 'Across checkpoints'}
              </button>
              <button className="small ghost" onClick={togglePin} data-testid="pin">
                {isPinned ? 'Unpin' : 'Pin for reward preview'} (M)
              </button>
            </div>
            {/* The hints stay put above the pane that scrolls, so moving between turns never cuts them off. */}
            <div className="lab-detail-scroll" data-testid="detail-pane">
              {compare ? (
                <CompareView items={compare} current={detail?.id ?? null} openId={(id) => void openId(id)} />
              ) : null}
              {group ? <GroupView group={group} openId={(id) => void openId(id)} current={detail?.id ?? null} /> : null}
              {detail ? (
                <TrajectoryPanel detail={detail} turn={turn} setTurn={setTurn} showTokens={showTokens} />
              ) : null}
            </div>
          </div>
        </div>
      ) : null}
    </section>
  );
}
