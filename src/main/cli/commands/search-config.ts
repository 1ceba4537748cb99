// `searchlab search config`: the search settings and keys from a terminal (a headless GPU box has no Settings
// page). It goes through the same engine methods the app's Settings → Search page uses. Keys are read from
// standard input or an environment variable, never from the command line (shell history) and never printed.
import type { CliContext } from '../command';
import { UsageError } from '../command';
import { withEngine } from '../engine';
import { SecretName, type SecretStatus } from '../../../shared/contract';
import { flattenSettings, settingPatch } from '../../search';
export const searchConfigUsage =
  'searchlab search config [get [KEY]] [--json] | search config set KEY VALUE | ' +
  'search config set keys.NAME - (key on stdin) | search config set keys.NAME --from-env VAR | ' +
  'search config clear keys.NAME   (NAME: serpapi, jina, summariser)';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the key, then press Enter and Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function secretName(key: string): SecretName {
  const name = SecretName.safeParse(key.slice('keys.'.length));
  if (!name.success)
    throw new UsageError(
      `"${key}" is not a key; the keys are ${SecretName.options.map((n) => `keys.${n}`).join(', ')}`,
    );
  return name.data;
}

function describeKey(s: SecretStatus): string {
  return `keys.${s.name} = ${s.set ? `(set, from ${s.source === 'env' ? `the environment` : 'the key file'})` : '(not set)'}  [environment: ${s.envVar}]`;
}

export async function runSearchConfig(
  args: string[],
  values: { home?: string; json?: boolean; 'from-env'?: string },
  ctx: CliContext,
): Promise<number> {
  const [verb = 'get', key, ...rest] = args;
  if (verb !== 'get' && verb !== 'set' && verb !== 'clear')
    throw new UsageError(`search config needs "get", "set" or "clear", got "${verb}"`);
  if (verb !== 'get' && !key) throw new UsageError(`search config ${verb} needs a KEY`);
  const isKey = key?.startsWith('keys.') ?? false;
  let secret: string | null = null;
  if (verb === 'set' && isKey) {
    const envVar = values['from-env'];
    if (envVar) {
      secret = ctx.env[envVar] ?? null;
      if (!secret) throw new UsageError(`--from-env ${envVar}: that environment variable is not set`);
    } else if (rest.join(' ') === '-') secret = await readStdin();
    else
      throw new UsageError(
        `A key is read from standard input ("search config set ${key} -") or an environment variable ("--from-env VAR"), never from the command line`,
      );
    if (!secret) throw new UsageError('No key was given on standard input');
  } else if (verb === 'set' && rest.length === 0) throw new UsageError(`search config set ${key} needs a VALUE`);

  return withEngine(values.home, ctx, async (engine) => {
    if (verb === 'clear') {
      if (!isKey)
        throw new UsageError(
          'search config clear takes a key (keys.NAME); set a setting back with "search config set KEY VALUE"',
        );
      const status = await engine.call('search.secrets.clear', { name: secretName(key) });
      ctx.out(values.json ? JSON.stringify({ keys: status }) : `Cleared the stored ${key}`);
      return 0;
    }
    if (verb === 'set' && isKey) {
      const status = await engine.call('search.secrets.set', { name: secretName(key), value: secret! });
      const mine = status.find((s) => s.name === secretName(key))!;
      ctx.out(
        values.json
          ? JSON.stringify({ keys: status })
          : `Stored ${key}${mine.source === 'env' ? ` (the environment's ${mine.envVar} is set and still wins)` : ''}`,
      );
      return 0;
    }
    if (verb === 'set') {
      const config = await engine.call('search.config.get', {});
      const next = await engine.call('search.config.update', settingPatch(config, key, rest.join(' ')));
      const value = flattenSettings(next).find(([k]) => k === key)?.[1];
      ctx.out(values.json ? JSON.stringify({ config: next }) : `${key} = ${JSON.stringify(value)}`);
      return 0;
    }
    const [config, keys] = await Promise.all([
      engine.call('search.config.get', {}),
      engine.call('search.secrets.status', {}),
    ]);
    const wantsKeys = !key || key === 'keys' || isKey;
    const settings =
      isKey || key === 'keys'
        ? []
        : flattenSettings(config).filter(([k]) => !key || k === key || k.startsWith(`${key}.`));
    const keyLines = wantsKeys ? keys.filter((s) => !isKey || key === `keys.${s.name}`) : [];
    if (key && settings.length === 0 && keyLines.length === 0)
      throw new UsageError(`Unknown search setting "${key}"; "search config get" lists them all`);
    if (values.json)
      ctx.out(JSON.stringify(key ? { config: Object.fromEntries(settings), keys: keyLines } : { config, keys }));
    else {
      for (const [k, v] of settings) ctx.out(`${k} = ${JSON.stringify(v)}`);
      for (const s of keyLines) ctx.out(describeKey(s));
    }
    return 0;
  });
}
