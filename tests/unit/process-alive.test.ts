import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, processIdentity } from '../../src/main/platform/process-alive';

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

  it.skipIf(process.platform !== 'linux')(
    'does not take a later process given the same id for the one recorded',
    () => {
      const me = processIdentity(process.pid);
      expect(me).toMatch(/^[\w-]+\/\d+$/);
      expect(isProcessAlive(process.pid, me)).toBe(true);
      // As after a reboot, or once ids wrap: the id runs, but it is not the process that was recorded.
      expect(isProcessAlive(process.pid, `${me!.split('/')[0]}/1`)).toBe(false);
      expect(isProcessAlive(process.pid, 'another-boot/' + me!.split('/')[1])).toBe(false);
      // Nothing recorded (an older row, another system): the id alone decides.
      expect(isProcessAlive(process.pid, null)).toBe(true);
    },
  );
});
