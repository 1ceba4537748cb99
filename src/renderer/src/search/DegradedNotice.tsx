import type { Degradation } from '../../../shared/contract';

const partLabel: Record<Degradation['part'], string> = {
  reader: 'Page reader',
  summariser: 'Summariser',
  thumbnails: 'Thumbnails',
};

/** The parts of a search that failed, each with the provider's own message: the model got less than it should. */
export function DegradedNotice({ degraded }: { degraded: Degradation[] }) {
  if (degraded.length === 0) return null;
  return (
    <div className="sc-degraded" role="status" data-testid="degraded">
      <b>Degraded result</b>
      <ul>
        {degraded.map((d) => (
          <li key={d.part}>
            {partLabel[d.part]} failed on {d.affected} of {d.of}:{' '}
            <span className="sc-degraded-message">{d.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
