// Schema 8: each logged search call keeps what it paid per provider ({"serpapi": 0.015, "reader": 0.002, …}), so
// money per provider is counted from every call, as the total spent is, and not only from the entries still in
// the cache (a refresh overwrites its entry; a failed call has none). Calls logged before this keep their
// cache entry's split when the entry still has the same cost; the rest are counted under their engine.
export const searchCallCosts = {
  version: 8,
  name: 'search-call-costs',
  sql: /* sql */ `
ALTER TABLE search_calls ADD COLUMN costs TEXT;
UPDATE search_calls SET costs = (
  SELECT json_extract(c.raw, '$.costs') FROM search_cache c
  WHERE c.key = search_calls.key AND c.cost = search_calls.cost AND json_type(c.raw, '$.costs') = 'object'
) WHERE cost > 0;
`,
};
