// One logger for the engine. Secrets registered here are replaced by "***" in every line, so an API key
// that slips into an error message still never reaches a log or the renderer.
const secrets = new Set<string>();

/**
 * The forms a secret takes on its way out: as typed, percent-encoded in a URL (upper- or lower-case hex, once or
 * twice), form-encoded (space as +), and escaped inside JSON. A key with `+ / = & %` is written differently in each.
 */
export function secretForms(value: string): string[] {
  const percent = encodeURIComponent(value);
  const form = new URLSearchParams({ k: value }).toString().slice(2);
  const forms = [
    value,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    encodeURIComponent(percent),
    form,
    form.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    JSON.stringify(value).slice(1, -1),
  ];
  // Longest first, so a form that contains another is masked whole.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) for (const form of secretForms(value)) secrets.add(form);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = (process.env.SEARCHLAB_LOG as Level) in order ? (process.env.SEARCHLAB_LOG as Level) : 'info';
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

export function setLogSink(next: (line: string) => void, level: Level = threshold): void {
  sink = next;
  threshold = level;
}

function write(level: Level, scope: string, message: string): void {
  if (order[level] < order[threshold]) return;
  sink(redact(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${message}`));
}

export function logger(scope: string) {
  return {
    debug: (m: string) => write('debug', scope, m),
    info: (m: string) => write('info', scope, m),
    warn: (m: string) => write('warn', scope, m),
    error: (m: string) => write('error', scope, m),
  };
}
export type Logger = ReturnType<typeof logger>;
