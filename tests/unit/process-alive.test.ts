import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/main/platform/process-alive';

describe('isProcessAlive', () => {
  it('tells a running process from one that has exited', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(spawnSync(process.execPath, ['-e', '']).pid!)).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
  });

  it('counts a killed orphan as gone, reaped or not (a container whose first process does not reap)', async () => {
    // A shell starts `sleep` in the background and exits: the sleep is an orphan, as a job is after its engine dies.
    const shell = spawn('sh', ['-c', 'sleep 60 & echo $!'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = await new Promise<number>((resolve) => shell.stdout.once('data', (d) => resolve(Number(String(d)))));
    await new Promise((resolve) => shell.once('exit', resolve));
    expect(isProcessAlive(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => isProcessAlive(pid), { timeout: 5000 }).toBe(false);
  });
});
