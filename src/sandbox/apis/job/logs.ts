import type { HostRun, StepRun, TargetHost } from './engine';
import { HostStatus } from './engine';

/**
 * Per-host logs of a step, derived from its state: script logs echo the script's `echo` lines and
 * name the step and host ip; file steps produce one download log per host plus the source host's
 * upload log (shapes of `job.*_ip_log.file.json`).
 */

/** "YYYY-MM-DD HH:MM:SS" in UTC+8, as JOB prints log lines. */
export function logTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function pid(step: StepRun, host: TargetHost): number {
  return 1000 + ((step.id * 31 + host.bk_host_id * 17) % 60_000);
}

/** What the script prints: the argument of each `echo` line. */
function echoed(script: string): string[] {
  const out: string[] = [];
  for (const line of script.split('\n')) {
    const m = /^\s*echo\s+(.*)$/.exec(line);
    if (m?.[1] !== undefined) out.push(m[1].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'));
  }
  return out;
}

export function scriptLog(step: StepRun, run: HostRun): string {
  if (run.startTime === undefined) return '';
  const at = logTime(run.startTime);
  const ip = run.host.ip || `host ${run.host.bk_host_id}`;
  if (run.status !== HostStatus.RUNNING && run.failure === 'agent') {
    return `[${at}] step "${step.name}" on ${ip}: agent is not alive, task not started\n`;
  }
  let log = `[${at}][PID:${pid(step, run.host)}] job_start\n[${at}] step "${step.name}" running on ${ip}\n`;
  if (run.status === HostStatus.RUNNING) return log;
  const end = logTime(run.endTime ?? run.startTime);
  for (const line of echoed(step.scriptText ?? '')) log += `[${end}] ${line}\n`;
  log += `[${end}] step "${step.name}" on ${ip} finished, exit code ${run.exitCode}\n`;
  return log;
}

/** File task states: 1 waiting, 2 uploading, 3 downloading, 4 success, 5 failed. */
function fileState(run: HostRun): number {
  if (run.status === HostStatus.WAITING) return 1;
  if (run.status === HostStatus.RUNNING) return 3;
  return run.status === HostStatus.SUCCESS ? 4 : 5;
}

function ipOf(host: TargetHost): { bk_host_id: number; bk_cloud_id: number; ip: string } {
  return { bk_host_id: host.bk_host_id, bk_cloud_id: host.bk_cloud_id, ip: host.ip };
}

export function fileLogs(step: StepRun, run: HostRun): Record<string, unknown>[] {
  const source = step.hosts[0];
  const files = step.file;
  if (!source || !files || run.startTime === undefined) return [];
  const at = logTime(run.endTime ?? run.startTime);
  const state = fileState(run);
  const done = state === 4;
  const logs: Record<string, unknown>[] = [];
  for (const src of files.sources) {
    const name = src.split('/').pop() ?? src;
    const dest = `${files.destPath.replace(/\/?$/, '/')}${name}`;
    if (run.host.bk_host_id === source.host.bk_host_id) {
      logs.push({
        mode: 0,
        src_ip: ipOf(source.host),
        src_path: src,
        status: state === 3 ? 2 : state,
        log_content: `[${at}] FileName: ${src} FileSize: 9.0 Bytes State: ${done ? 'source agent success upload file' : 'uploading'} Progress: ${done ? '100%' : '0%'}`,
        size: '9.0 Bytes',
        speed: done ? '1 KB/s' : '0 KB/s',
        process: done ? '100%' : '0%',
      });
    }
    logs.push({
      mode: 1,
      src_ip: ipOf(source.host),
      src_path: src,
      dest_ip: ipOf(run.host),
      dest_path: dest,
      status: state,
      log_content:
        run.failure === 'agent' && state === 5
          ? `[${at}] FileName: ${dest} State: download failed, agent of ${run.host.ip} is not alive`
          : `[${at}] FileName: ${dest} FileSize: 9.0 Bytes State: ${done ? 'dest agent success download file' : 'downloading'} Progress: ${done ? '100%' : '0%'}`,
      size: '9.0 Bytes',
      speed: done ? '1 KB/s' : '0 KB/s',
      process: done ? '100%' : '0%',
    });
  }
  return logs;
}
