import type { ReactNode } from 'react';

/** What a page shows before it has data: what will be here and how to get it there. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      <div className="muted">{children}</div>
    </div>
  );
}
