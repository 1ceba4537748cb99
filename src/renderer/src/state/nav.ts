// Which page is open, mirrored in the URL's hash so reloads, links and the back button work.
import { create } from 'zustand';

export const pages = [
  { id: 'datasets', title: 'Datasets', key: '1' },
  { id: 'runs', title: 'Runs', key: '2' },
  // Beside the runs in the sidebar; Alt+7 keeps the other pages' keys as they were.
  { id: 'evaluations', title: 'Evaluations', key: '7' },
  { id: 'trajectories', title: 'Trajectories', key: '3' },
  { id: 'reward', title: 'Reward', key: '4' },
  { id: 'search-cache', title: 'Search cache', key: '5' },
  { id: 'models', title: 'Models', key: '8' },
  { id: 'settings', title: 'Settings', key: '6' },
] as const;
export type PageId = (typeof pages)[number]['id'];

function pageFromHash(): PageId {
  const id = location.hash.replace(/^#\/?/, '');
  return pages.some((p) => p.id === id) ? (id as PageId) : 'datasets';
}

interface NavState {
  page: PageId;
  go(page: PageId): void;
}

export const useNav = create<NavState>((set) => ({
  page: pageFromHash(),
  go(page) {
    if (location.hash !== `#/${page}`) location.hash = `#/${page}`;
    set({ page });
  },
}));

window.addEventListener('hashchange', () => useNav.setState({ page: pageFromHash() }));
