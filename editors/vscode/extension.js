'use strict';
// Facet for VS Code: starts `facet lsp` for system messages (language `facet`),
// forwards the `facet.*` settings, adds "Facet: Preview" / "Facet: Evaluate" and
// a status bar item with the message's facet coverage.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

// The settings the server reads (docs/server.md, "Settings"); `facet.path` and
// `facet.trace.server` are the extension's own and are not sent.
const SERVER_SETTINGS = ['rules', 'requiredFacets', 'minUnits', 'tokenBudget', 'inlayHints',
  'diagnosticsDelay', 'pushDiagnostics', 'maxDiagnostics', 'indexPath', 'preview'];

let client;
let statusItem;
let statusTimer;

function serverSettings() {
  const config = vscode.workspace.getConfiguration('facet');
  const settings = {};
  for (const key of SERVER_SETTINGS) {
    const value = config.get(key);
    if (value !== undefined && value !== null) settings[key] = value;
  }
  return settings;
}

function makeClient() {
  const command = vscode.workspace.getConfiguration('facet').get('path') || 'facet';
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'facet' }, { scheme: 'untitled', language: 'facet' }],
    initializationOptions: serverSettings(),
    outputChannelName: 'Facet',
    middleware: {
      workspace: {
        // Answer the server's request for section "facet" with its own settings only,
        // so it does not warn about `path` and `trace`.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          const others = Array.isArray(answers) ? answers : [];
          return params.items.map((item, i) => (item.section === 'facet' ? serverSettings() : (others[i] ?? null)));
        },
      },
    },
  };
  return new LanguageClient('facet', 'Facet', serverOptions, clientOptions);
}

async function startClient() {
  client = makeClient();
  try {
    await client.start();
  } catch (error) {
    const path = vscode.workspace.getConfiguration('facet').get('path');
    vscode.window.showErrorMessage(`Facet: cannot start \`${path} lsp\` (${error.message}). ` +
      'Install facet (scripts/install.sh) and put it on PATH, or set facet.path to the binary.');
  }
  scheduleStatus(0);
}

async function restartClient() {
  if (client) {
    try { await client.stop(); } catch (_) { /* it may not have started */ }
  }
  await startClient();
}

function isRunning() {
  return client !== undefined && client.isRunning();
}

// Runs the server's facet.preview or facet.evaluate on the active system message,
// then opens the file it wrote (the server also shows it while it streams).
async function runOnActiveDocument(serverCommand) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'facet') {
    vscode.window.showWarningMessage('Facet: open a system message first (*.system.md, *.sysmsg, *.prompt.md, *.system.txt).');
    return;
  }
  if (!isRunning()) {
    vscode.window.showWarningMessage('Facet: the server is not running; see the Facet output channel.');
    return;
  }
  const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
  let result;
  try {
    result = await client.sendRequest('workspace/executeCommand', { command: serverCommand, arguments: [uri] });
  } catch (error) {
    vscode.window.showErrorMessage(`Facet: ${error.message}`);
    return;
  }
  if (result && typeof result.file === 'string') {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(result.file));
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
  }
}

// Coverage from the server's own coverage lens ("role ✓ task ✓ background ✗ ..."),
// so the status bar shows exactly what the lens shows.
async function updateStatus() {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'facet' || !isRunning()) {
    statusItem.hide();
    return;
  }
  const document = editor.document;
  let lenses;
  try {
    lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', document.uri);
  } catch (_) {
    return; // the document changed meanwhile; the next change asks again
  }
  const lens = (lenses || []).find((l) => l.command && l.command.command === 'facet.showCoverage');
  const active = vscode.window.activeTextEditor;
  if (!lens || !active || active.document !== document) return;
  const title = lens.command.title;
  const stated = (title.match(/✓/g) || []).length;
  const total = stated + (title.match(/✗/g) || []).length;
  statusItem.text = `$(checklist) facets ${stated}/${total}`;
  statusItem.tooltip = `Facet coverage: ${title}\nClick for units per facet.`;
  statusItem.command = { title: 'Facet coverage', command: 'facet.showCoverage', arguments: [client.code2ProtocolConverter.asUri(document.uri)] };
  statusItem.show();
}

function scheduleStatus(delay) {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { updateStatus().catch(() => {}); }, delay);
}

async function activate(context) {
  statusItem = vscode.window.createStatusBarItem('facet.coverage', vscode.StatusBarAlignment.Left, 100);
  statusItem.name = 'Facet coverage';
  context.subscriptions.push(
    statusItem,
    vscode.commands.registerCommand('facet.runPreview', () => runOnActiveDocument('facet.preview')),
    vscode.commands.registerCommand('facet.runEvaluate', () => runOnActiveDocument('facet.evaluate')),
    vscode.commands.registerCommand('facet.restartServer', restartClient),
    vscode.window.onDidChangeActiveTextEditor(() => scheduleStatus(0)),
    vscode.workspace.onDidChangeTextDocument((event) => {
      const editor = vscode.window.activeTextEditor;
      if (editor && event.document === editor.document) scheduleStatus(500);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('facet.path')) {
        restartClient();
      } else if (event.affectsConfiguration('facet') && isRunning()) {
        client.sendNotification('workspace/didChangeConfiguration', { settings: serverSettings() });
      }
    }),
  );
  await startClient();
}

function deactivate() {
  clearTimeout(statusTimer);
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverSettings };
