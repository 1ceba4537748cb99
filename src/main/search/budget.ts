// A run's search budget: live calls and money. When spent, searching stops (the tool answers with an error
// text for the model) but the run goes on. Cache hits are free and never count.
export interface BudgetLimits {
  maxCalls: number | null;
  maxCost: number | null;
}

export class SearchBudget {
  calls = 0;
  cost = 0;

  constructor(readonly limits: BudgetLimits) {}

  /** Why a call expected to cost `expectedCost` may not start, or null when it may. */
  refusal(expectedCost = 0): string | null {
    const { maxCalls, maxCost } = this.limits;
    if (maxCalls !== null && this.calls + 1 > maxCalls) return `${this.calls} of ${maxCalls} live calls used`;
    if (maxCost !== null && this.cost + expectedCost > maxCost + 1e-12)
      return `${this.cost.toFixed(4)} of ${maxCost} spent`;
    return null;
  }

  charge(cost: number): void {
    this.calls += 1;
    this.cost += cost;
  }

  snapshot(): { calls: number; cost: number; limits: BudgetLimits } {
    return { calls: this.calls, cost: this.cost, limits: this.limits };
  }
}
