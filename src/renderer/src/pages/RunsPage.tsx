import { EmptyState } from '../components/EmptyState';

export function RunsPage() {
  return (
    <section className="page">
      <h1>Runs</h1>
      <EmptyState title="No runs yet">
        <p>GRPO, SFT and evaluation runs appear here with live charts: reward, accuracy, search ratio (image and text), KL, entropy, response length and throughput.</p>
        <p>Click a point on a chart to open that step's rollouts.</p>
      </EmptyState>
    </section>
  );
}
