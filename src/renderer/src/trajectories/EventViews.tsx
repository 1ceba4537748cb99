// One component per trajectory event kind (see events.ts).
import type { ReactNode } from 'react';
import type { TrajectoryEvent } from './events';
import { Thumbnail } from '../search/Thumbnail';
import { DegradedNotice } from '../search/DegradedNotice';

type Of<K extends TrajectoryEvent['kind']> = Extract<TrajectoryEvent, { kind: K }>;

function Frame({
  kind,
  title,
  children,
  extra,
}: {
  kind: string;
  title: string;
  children: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <div className={`lab-event lab-event-${kind}`} data-event={kind}>
      <div className="lab-event-head">
        <span className="lab-event-kind">{title}</span>
        {extra}
      </div>
      {children}
    </div>
  );
}

function PromptEvent({ event }: { event: Of<'prompt'> }) {
  return (
    <Frame kind="prompt" title={event.turn === 0 ? 'Prompt' : 'Injected (tool output and instructions)'}>
      <pre className="lab-text muted">{event.text}</pre>
    </Frame>
  );
}

function GenerationEvent({ event }: { event: Of<'generation'> }) {
  return (
    <Frame
      kind="generation"
      title="Generation"
      extra={
        <span className="muted">
          {event.tokens} tokens · finish {event.finish ?? '—'} ·{' '}
          {event.wellFormed ? <span className="lab-ok">well formed</span> : <span className="lab-bad">malformed</span>}
        </span>
      }
    >
      {event.reasoning ? <p className="lab-reasoning">{event.reasoning}</p> : null}
      <pre className="lab-text">{event.response}</pre>
    </Frame>
  );
}

const ACTION_TITLES: Record<string, string> = {
  answer: 'Answer',
  image_search: 'Image search',
  text_search: 'Text search',
  invalid: 'Invalid action',
};

function ActionEvent({ event }: { event: Of<'action'> }) {
  const action = event.action ?? 'none';
  return (
    <Frame kind="action" title="Action">
      <div className={`lab-action lab-action-${action}`} data-testid="turn-action">
        <strong>{ACTION_TITLES[action] ?? action}</strong>
        {event.arg ? (
          <code>{event.arg}</code>
        ) : action === 'image_search' ? (
          <span className="muted">(the question's image)</span>
        ) : null}
      </div>
    </Frame>
  );
}

function ToolEvent({ event }: { event: Of<'tool'> }) {
  const r = event.result;
  if (!r) {
    return (
      <Frame kind="tool" title="Tool result">
        <p className="muted">Result not recorded (cache key {event.cacheKey ?? '—'}).</p>
      </Frame>
    );
  }
  return (
    <Frame
      kind="tool"
      title={`Tool result · ${r.tool === 'image_search' ? 'image search' : 'text search'}`}
      extra={
        <span className="muted" data-testid="tool-meta">
          {r.engine} · <span className={`lab-cache lab-cache-${r.cache}`}>cache {r.cache}</span> ·{' '}
          {Math.round(r.latencyMs)} ms{r.cost ? ` · $${r.cost.toFixed(4)}` : ''}
        </span>
      }
    >
      {r.ok ? null : <p className="lab-bad">Error: {r.error}</p>}
      <DegradedNotice degraded={r.degraded ?? []} />
      <ol className="lab-results">
        {r.results.map((item) => (
          <li key={item.rank}>
            {item.imageSha256 ? <Thumbnail sha={item.imageSha256} alt={item.title} size={56} /> : null}
            <div>
              <div>
                {item.url ? (
                  <a href={item.url} target="_blank" rel="noreferrer">
                    {item.title}
                  </a>
                ) : (
                  item.title
                )}
              </div>
              {(item.summary ?? item.snippet) ? <div className="muted">{item.summary ?? item.snippet}</div> : null}
            </div>
          </li>
        ))}
      </ol>
      <details>
        <summary>What the model saw</summary>
        <pre className="lab-text">{r.text}</pre>
      </details>
      <details>
        <summary>Raw result</summary>
        <pre className="lab-text">{JSON.stringify(r, null, 2)}</pre>
      </details>
    </Frame>
  );
}

function RewardEvent({ event }: { event: Of<'reward'> }) {
  return (
    <Frame kind="reward" title="Reward">
      <pre className="lab-text">{JSON.stringify(event.reward.variables, null, 1)}</pre>
    </Frame>
  );
}

const views: { [K in TrajectoryEvent['kind']]: (p: { event: Of<K> }) => React.JSX.Element } = {
  prompt: PromptEvent,
  generation: GenerationEvent,
  action: ActionEvent,
  tool: ToolEvent,
  reward: RewardEvent,
};

export function EventView({ event }: { event: TrajectoryEvent }) {
  const View = views[event.kind] as (p: { event: TrajectoryEvent }) => React.JSX.Element;
  return <View event={event} />;
}
