// Electron's main process: glue only. It opens the window, hardens it, starts the engine in a utility
// process and relays validated protocol messages between the two.
import { app, BrowserWindow, ipcMain, Menu, nativeImage } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { IPC_EVENT, IPC_REQUEST } from '../../shared/bridge';
import { ApiError, parseRequest } from '../../shared/protocol';
import { resolveHome } from '../platform/home';
import { windowIconPath } from './app-icon';
import { EngineBridge } from './engine-bridge';
import { hardenSessions } from './security';

app.enableSandbox();
const homeFlag = process.argv.indexOf('--home');
const home = resolveHome(homeFlag >= 0 ? process.argv[homeFlag + 1] : undefined);
let window: BrowserWindow | null = null;
const engine = new EngineBridge(home, (event) => window?.webContents.send(IPC_EVENT, event));

function createWindow(): void {
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'SearchLab',
    // Read through fs, which sees into the packaged app's asar archive; nativeImage's own file loading may not.
    icon: nativeImage.createFromBuffer(fs.readFileSync(windowIconPath())),
    show: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = null));
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void window.loadFile(path.join(import.meta.dirname, '../renderer/index.html'));
}

ipcMain.handle(IPC_REQUEST, async (event, raw: unknown) => {
  // Only our own window's top frame may talk to the engine.
  if (!window || event.sender !== window.webContents || event.senderFrame !== window.webContents.mainFrame) {
    return {
      type: 'response',
      id: -1,
      ok: false,
      error: { code: 'unauthorized', message: 'Request from an unknown frame' },
    };
  }
  try {
    parseRequest(raw);
  } catch (error) {
    const e = error as ApiError;
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    return { type: 'response', id, ok: false, error: { code: e.code ?? 'invalid_request', message: e.message } };
  }
  return engine.request(raw);
});

void app.whenReady().then(() => {
  hardenSessions();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([{ role: 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }]),
  );
  engine.start();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => engine.stop());
