import path from 'node:path';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { CacheMode, SearchEngineKind, type CacheStats } from '../../../shared/contract';
import { SearchService } from '../../search';
import { runSearchConfig, searchConfigUsage } from './search-config';

function describeStats(stats: CacheStats): string[] {
  const money = Object.entries(stats.byProvider)
    .filter(([, cost]) => cost > 0)
    .map(([provider, cost]) => `${provider} ${cost.toFixed(3)}`);
  return [
    `${stats.entries} entries (${stats.degraded} degraded), ${stats.hits} hits, ${stats.misses} misses, ` +
      `${stats.errors} errors; spent ${stats.spent.toFixed(3)}, saved ${stats.saved.toFixed(3)}`,
    `${stats.uploads} images uploaded for Google Lens; money per provider: ${money.length ? money.join(', ') : 'none'}`,
  ];
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'Run one image or text search through the cache, as a rollout would',
  usage:
    'searchlab search image FILE [--image-url URL] | search text "QUERY"  [--engine local|serpapi|searxng] ' +
    '[--corpus NAME] [--mode live|cache-first|replay-only] [--json]\n' +
    '       searchlab search stats [--json] | search export FILE [--overwrite] | search import FILE   (--home DIR)\n' +
    `       ${searchConfigUsage}`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      ...commonOptions,
      engine: { type: 'string' },
      corpus: { type: 'string' },
      mode: { type: 'string' },
      'image-url': { type: 'string' },
      'from-env': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
    });
    const [kind, ...rest] = positionals;
    if (kind === 'config') return runSearchConfig(rest, values, ctx);
    const input = rest.join(' ');
    if (kind === 'stats' || kind === 'export' || kind === 'import') {
      if (kind !== 'stats' && !input) throw new UsageError(`search ${kind} needs a FILE`);
      return withEngine(values.home, ctx, async (engine) => {
        if (kind === 'stats') {
          const stats = await engine.call('search.cache.stats', {});
          if (values.json) ctx.out(JSON.stringify(stats));
          else for (const line of describeStats(stats)) ctx.out(line);
        } else if (kind === 'export') {
          const r = await engine.call('search.cache.export', {
            file: path.resolve(input),
            overwrite: values.overwrite,
          });
          ctx.out(values.json ? JSON.stringify(r) : `Exported ${r.entries} entries to ${r.file}`);
        } else {
          const r = await engine.call('search.cache.import', { file: path.resolve(input) });
          ctx.out(values.json ? JSON.stringify(r) : `Imported ${r.imported} entries (${r.skipped} already present)`);
        }
        return 0;
      });
    }
    if (kind !== 'image' && kind !== 'text')
      throw new UsageError(
        'search needs "image FILE", "text QUERY", "stats", "export FILE", "import FILE" or "config"',
      );
    if (!input) throw new UsageError(kind === 'image' ? 'search image needs a FILE' : 'search text needs a QUERY');
    const engineKind = values.engine === undefined ? undefined : SearchEngineKind.safeParse(values.engine);
    if (engineKind && !engineKind.success)
      throw new UsageError(`--engine must be one of ${SearchEngineKind.options.join(', ')}`);
    const mode = values.mode === undefined ? undefined : CacheMode.safeParse(values.mode);
    if (mode && !mode.success) throw new UsageError(`--mode must be one of ${CacheMode.options.join(', ')}`);
    return withEngine(values.home, ctx, async (engine) => {
      const result = await engine.call('search.run', {
        tool: kind === 'image' ? 'image_search' : 'text_search',
        ...(kind === 'image' ? { imagePath: path.resolve(input), imageUrl: values['image-url'] } : { query: input }),
        engine: engineKind?.data,
        corpus: values.corpus,
        mode: mode?.data,
      });
      const files = new SearchService({ store: engine.store, home: engine.home, env: ctx.env });
      const results = result.results.map((r) => ({
        rank: r.rank,
        title: r.title,
        url: r.url,
        ...(r.summary !== null ? { summary: r.summary } : { snippet: r.snippet }),
        ...(r.imageSha256 ? { image: files.imageFile(r.imageSha256) } : {}),
      }));
      if (values.json) {
        ctx.out(
          JSON.stringify({
            tool: result.tool,
            engine: result.engine,
            cache: result.cache,
            key: result.key,
            ok: result.ok,
            error: result.error,
            degraded: result.degraded ?? [],
            latencyMs: result.latencyMs,
            cost: result.cost,
            results,
            text: result.text,
          }),
        );
      } else {
        ctx.out(
          `${result.tool} via ${result.engine}: cache ${result.cache}, ${result.latencyMs.toFixed(1)} ms, cost ${result.cost}`,
        );
        if (!result.ok) ctx.err(`error: ${result.error}`);
        for (const r of results) {
          ctx.out(
            `${r.rank}. ${r.title}\n   ${r.url}${'image' in r ? `\n   image: ${r.image}` : ''}\n   ${'summary' in r ? r.summary : (r.snippet ?? '')}`,
          );
        }
        if (result.ok && results.length === 0) ctx.out('(no results)');
      }
      // A degraded result is a warning in either format: the model would have got less than it should.
      for (const d of result.degraded ?? [])
        ctx.err(`warning: ${d.part} failed on ${d.affected} of ${d.of} results: ${d.message}`);
      return result.ok ? 0 : 1;
    });
  },
};
