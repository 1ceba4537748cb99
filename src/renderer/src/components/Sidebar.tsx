import { pages, useNav } from '../state/nav';

export function Sidebar() {
  const page = useNav((s) => s.page);
  const go = useNav((s) => s.go);
  return (
    <nav className="sidebar" aria-label="Pages">
      <div className="brand">
        <span className="logo">◎</span> SearchLab
      </div>
      {pages.map((p) => (
        <button
          key={p.id}
          className={`nav-item ${page === p.id ? 'active' : ''}`}
          aria-current={page === p.id ? 'page' : undefined}
          onClick={() => go(p.id)}
          title={`Alt+${p.key}`}
        >
          {p.title}
        </button>
      ))}
    </nav>
  );
}
