// How a derived dataset was made, as recorded in its recipe.
import type { DatasetSummary } from '../../../shared/contract';

interface BalancedRecipe {
  kind: 'balanced-subset';
  from: { id: number; name: string };
  searchRequiredFraction: number;
  size: number | null;
  labelSource: string;
  seed: number;
  strata: { dataSource: string | null; pickRequired: number; pickFree: number }[];
  createdAt: string;
}

const sources: Record<string, string> = {
  labels: 'annotators’ majority',
  construction: 'known by construction',
  labels_then_construction: 'annotators’ majority, else known by construction',
};

export function Recipe({ dataset }: { dataset: DatasetSummary }) {
  const recipe = dataset.recipe as Partial<BalancedRecipe> | null;
  if (!recipe) return null;
  if (recipe.kind !== 'balanced-subset' || !recipe.from || !recipe.strata) {
    return (
      <details className="ds-recipe">
        <summary>Recipe</summary>
        <pre>{JSON.stringify(recipe, null, 2)}</pre>
      </details>
    );
  }
  return (
    <details className="ds-recipe" data-testid="recipe">
      <summary>
        Balanced subset of <strong>{recipe.from.name}</strong>: {Math.round((recipe.searchRequiredFraction ?? 0) * 100)}
        % search-required
      </summary>
      <dl className="facts">
        <dt>Search need from</dt>
        <dd>{sources[recipe.labelSource ?? ''] ?? recipe.labelSource}</dd>
        <dt>Size</dt>
        <dd>{recipe.size ? `at most ${recipe.size.toLocaleString()}` : 'as many as the ratio allows'}</dd>
        <dt>Seed</dt>
        <dd>{recipe.seed}</dd>
        <dt>Per data source</dt>
        <dd>
          {recipe.strata.map((s) => (
            <div key={s.dataSource ?? ''}>
              {s.dataSource ?? 'none'}: {s.pickRequired.toLocaleString()} need search + {s.pickFree.toLocaleString()}{' '}
              search-free
            </div>
          ))}
        </dd>
        <dt>Made</dt>
        <dd>{recipe.createdAt ? new Date(recipe.createdAt).toLocaleString() : '—'}</dd>
      </dl>
    </details>
  );
}
