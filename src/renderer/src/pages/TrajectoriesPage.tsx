import { EmptyState } from '../components/EmptyState';

export function TrajectoriesPage() {
  return (
    <section className="page">
      <h1>Trajectories</h1>
      <EmptyState title="No trajectories yet">
        <p>Step through a rollout turn by turn: the question image, the model's reasoning, its search or answer, what the search tool returned, and the reward's parts.</p>
        <p>See each GRPO group side by side with advantages, and groups where every sample scored the same.</p>
      </EmptyState>
    </section>
  );
}
