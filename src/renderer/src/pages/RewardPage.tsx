import { EmptyState } from '../components/EmptyState';

export function RewardPage() {
  return (
    <section className="page">
      <h1>Reward</h1>
      <EmptyState title="Reward editor">
        <p>The default reward is the method's: (1 − α)·score + α·format with a search penalty on correct answers that searched.</p>
        <p>Edit a reward spec, re-score a run's stored trajectories, and see the reward histogram before and after.</p>
      </EmptyState>
    </section>
  );
}
