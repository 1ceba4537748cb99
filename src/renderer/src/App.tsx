import { useEffect, useState } from 'react';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { JobsPanel } from './components/JobsPanel';
import { Toasts } from './components/Toasts';
import { HelpOverlay } from './components/HelpOverlay';
import { DemoBanner } from './components/DemoBanner';
import { pages, useNav, type PageId } from './state/nav';
import { useSettings } from './state/settings';
import { isTyping } from './state/keys';
import { DatasetsPage } from './pages/DatasetsPage';
import { RunsPage } from './pages/RunsPage';
import { EvaluationsPage } from './pages/EvaluationsPage';
import { TrajectoriesPage } from './pages/TrajectoriesPage';
import { RewardPage } from './pages/RewardPage';
import { SearchCachePage } from './pages/SearchCachePage';
import { SettingsPage } from './pages/SettingsPage';
import { ModelsPage } from './pages/ModelsPage';

const pageComponents: Record<PageId, () => React.JSX.Element> = {
  datasets: DatasetsPage,
  runs: RunsPage,
  evaluations: EvaluationsPage,
  trajectories: TrajectoriesPage,
  reward: RewardPage,
  'search-cache': SearchCachePage,
  models: ModelsPage,
  settings: SettingsPage,
};

function useTheme(): void {
  const theme = useSettings((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      document.documentElement.dataset.theme = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

export function App() {
  useTheme();
  const page = useNav((s) => s.page);
  const go = useNav((s) => s.go);
  const [jobsOpen, setJobsOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const target = pages.find((p) => `Digit${p.key}` === e.code);
        if (target) {
          e.preventDefault();
          go(target.id);
        }
        return;
      }
      if (isTyping(e.target) || e.ctrlKey || e.metaKey) return;
      if (e.key === '?') setHelpOpen((v) => !v);
      else if (e.key === 'j' || e.key === 'J') setJobsOpen((v) => !v);
      else if (e.key === 'Escape') {
        setHelpOpen(false);
        setJobsOpen(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go]);

  const Page = pageComponents[page];
  return (
    <div className="app">
      <Sidebar />
      <main className="content">
        <DemoBanner />
        <Page />
      </main>
      {jobsOpen ? <JobsPanel onClose={() => setJobsOpen(false)} /> : null}
      <StatusBar onJobsClick={() => setJobsOpen((v) => !v)} />
      {helpOpen ? <HelpOverlay onClose={() => setHelpOpen(false)} /> : null}
      <Toasts />
    </div>
  );
}
