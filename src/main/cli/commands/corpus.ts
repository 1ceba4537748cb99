import path from 'node:path';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { commonOptions, parseCommandArgs } from '../args';
import { withEngine } from '../engine';
import { runJobInForeground } from '../foreground';

export const corpusCommand: CliCommand = {
  name: 'corpus',
  summary: 'Local search corpora: add a folder of documents and images, list, delete',
  usage:
    'searchlab corpus add DIR --name NAME [--description TEXT] [--json] | corpus list [--json] | corpus delete NAME   (--home DIR)',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      ...commonOptions,
      name: { type: 'string' },
      description: { type: 'string' },
    });
    const [sub, arg] = positionals;
    return withEngine(values.home, ctx, async (engine) => {
      if (sub === 'list') {
        const corpora = await engine.call('corpus.list', {});
        if (values.json) ctx.out(JSON.stringify(corpora));
        else if (corpora.length === 0) ctx.out('No corpora yet. Add one: searchlab corpus add DIR --name NAME');
        else
          for (const c of corpora)
            ctx.out(
              `${c.name.padEnd(24)} ${c.status.padEnd(10)} ${String(c.documents).padStart(8)} docs ${String(c.images).padStart(7)} images  ${c.source ?? ''}`,
            );
        return 0;
      }
      if (sub === 'delete') {
        if (!arg) throw new UsageError('corpus delete needs a NAME');
        const { deleted } = await engine.call('corpus.delete', { name: arg });
        ctx.out(deleted ? `Deleted corpus ${arg}` : `No corpus named ${arg}`);
        return deleted ? 0 : 1;
      }
      if (sub !== 'add')
        throw new UsageError(
          sub ? `Unknown corpus subcommand "${sub}"` : 'corpus needs a subcommand: add, list or delete',
        );
      if (!arg) throw new UsageError('corpus add needs a folder');
      if (!values.name) throw new UsageError('corpus add needs --name NAME');
      const finished = await runJobInForeground(
        engine,
        'corpus.ingest',
        { dir: path.resolve(arg), name: values.name, description: values.description ?? '' },
        ctx,
        values.json,
      );
      if (finished.status !== 'succeeded') {
        if (values.json) ctx.out(JSON.stringify({ ok: false, status: finished.status, error: finished.error }));
        else ctx.err(`Corpus ${values.name}: ${finished.status}${finished.error ? `: ${finished.error}` : ''}`);
        return 1;
      }
      const result = finished.result as {
        corpus: { name: string; documents: number; images: number };
        addedDocuments: number;
        skippedDocuments: number;
        addedImages: number;
        skippedFiles: string[];
      };
      if (values.json) ctx.out(JSON.stringify({ ok: true, ...result }));
      else {
        ctx.out(
          `Corpus ${result.corpus.name}: ${result.corpus.documents} documents, ${result.corpus.images} images ` +
            `(added ${result.addedDocuments} documents and ${result.addedImages} images; ` +
            `${result.skippedDocuments} already in)`,
        );
        if (result.skippedFiles.length)
          ctx.out(
            `Skipped ${result.skippedFiles.length} file(s) of unknown type, e.g. ${result.skippedFiles.slice(0, 3).join(', ')}`,
          );
      }
      return 0;
    });
  },
};
