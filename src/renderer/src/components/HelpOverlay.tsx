import { pages } from '../state/nav';

export const shortcuts: { keys: string; action: string }[] = [
  ...pages.map((p) => ({ keys: `Alt+${p.key}`, action: `Open ${p.title}` })),
  { keys: 'J', action: 'Show or hide jobs' },
  { keys: '/', action: 'Datasets: search questions and answers' },
  { keys: '← → ↑ ↓', action: 'Datasets: move the selected sample' },
  { keys: 'L / A', action: 'Datasets: label mode / agreement' },
  { keys: '1–5 or F I T B U', action: 'Labeling: search-free, image, text, both, unsure (then next)' },
  { keys: 'Z or Ctrl+Z', action: 'Labeling: undo the last decision' },
  { keys: 'N', action: 'Labeling: write a note' },
  { keys: '/ · T', action: 'Search cache: filter entries · try a search' },
  { keys: '↑ ↓ · Delete', action: 'Search cache: move the selection · delete the entry' },
  { keys: 'N', action: 'Runs: new run' },
  { keys: 'Ctrl+click', action: 'Runs: add a run to the comparison (click a chart point: open its rollouts)' },
  { keys: '↑ ↓ or N P', action: 'Trajectories: next / previous trajectory' },
  { keys: '← → or H L', action: 'Trajectories: previous / next turn' },
  { keys: 'G · T · Z', action: 'Trajectories: GRPO group · token view · zero-variance groups only' },
  { keys: 'M', action: 'Trajectories: pin for the reward preview' },
  { keys: 'C', action: "Trajectories: this sample's trajectories across runs and checkpoints" },
  { keys: 'W · Esc', action: 'Trajectories: what if… at this turn (force the other choice and replay) · close it' },
  { keys: 'Tab · Ctrl+Enter · Ctrl+S', action: 'Reward: complete a name · re-score the run · save as a new version' },
  { keys: '?', action: 'Show or hide this help' },
  { keys: 'Esc', action: 'Close overlays' },
];

export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {shortcuts.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
