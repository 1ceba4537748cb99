// The parts of one search that failed while the search still answered: each part once, with the first
// failure's message in full and how many results it affected.
import type { Degradation, DegradedPart } from '../../../shared/contract';
import { errorMessage } from '../../platform/errors';
import { redact } from '../../platform/log';

export class DegradationLog {
  private readonly parts = new Map<DegradedPart, Degradation>();

  constructor(private readonly of: number) {}

  add(part: DegradedPart, error: unknown): void {
    const seen = this.parts.get(part);
    if (seen) seen.affected++;
    else this.parts.set(part, { part, message: redact(errorMessage(error)), affected: 1, of: this.of });
  }

  list(): Degradation[] {
    return [...this.parts.values()];
  }
}
