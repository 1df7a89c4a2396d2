'use strict';
// Checks the extension without VS Code or npm (neither can run here): the
// manifest and the files it names, that its settings are the server's, and that
// extension.js activates against stand-ins for `vscode` and
// `vscode-languageclient`, registering its commands and doing what they say.
// Usage: node editors/vscode/check.js
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const Module = require('module');

const here = __dirname;
const root = path.join(here, '..', '..');
const readJSON = (file) => JSON.parse(fs.readFileSync(path.join(here, file), 'utf8'));

// --- The manifest

const manifest = readJSON('package.json');
assert.ok(fs.existsSync(path.join(here, manifest.main)), 'main names a file');
assert.ok(manifest.engines && manifest.engines.vscode, 'engines.vscode is set');
assert.ok(manifest.publisher, 'publisher is set (vsce needs it)');
assert.ok(manifest.dependencies['vscode-languageclient'], 'vscode-languageclient is a dependency');
assert.deepStrictEqual(manifest.activationEvents, ['onLanguage:facet']);

const contributes = manifest.contributes;
const language = contributes.languages.find((l) => l.id === 'facet');
assert.ok(language, 'language facet is contributed');
assert.deepStrictEqual([...language.extensions].sort(), ['.prompt.md', '.sysmsg', '.system.md', '.system.txt']);
readJSON(language.configuration);
const grammar = contributes.grammars.find((g) => g.language === 'facet');
assert.strictEqual(readJSON(grammar.path).scopeName, grammar.scopeName, 'the grammar file has the scope the manifest names');

const commands = contributes.commands.map((c) => c.command).sort();
assert.deepStrictEqual(commands, ['facet.restartServer', 'facet.runEvaluate', 'facet.runPreview']);
for (const c of contributes.commands) assert.strictEqual(c.category, 'Facet', `${c.command} is in the Facet category`);
assert.strictEqual(contributes.commands.find((c) => c.command === 'facet.runPreview').title, 'Preview');
assert.strictEqual(contributes.commands.find((c) => c.command === 'facet.runEvaluate').title, 'Evaluate');

// Every setting the server knows (EditorSettings.swift), and only those, besides the extension's own.
const swift = fs.readFileSync(path.join(root, 'Sources/FacetServer/Settings/EditorSettings.swift'), 'utf8');
const serverKeys = JSON.parse(swift.match(/let known = (\[[^\]]*\])/)[1]).sort();
const properties = Object.keys(contributes.configuration.properties).map((k) => k.replace(/^facet\./, ''));
assert.deepStrictEqual(properties.filter((k) => k !== 'path' && k !== 'trace.server').sort(), serverKeys,
  'the configuration contributes exactly the server settings');
assert.ok(properties.includes('path'), 'facet.path is contributed');

// --- extension.js against stand-ins

const values = {
  path: '/opt/facet/bin/facet', rules: { 'vague-quantifier': 'off' }, requiredFacets: ['role', 'task', 'format'],
  minUnits: 3, tokenBudget: 4000, inlayHints: true, diagnosticsDelay: 100, pushDiagnostics: null, maxDiagnostics: 1000, indexPath: null,
  preview: { endpoint: 'local' }, 'trace.server': 'off',
};
const listeners = {};
const registered = {};
const shown = [];
const warnings = [];
const clients = [];
const disposable = { dispose() {} };
const uri = (p) => ({ fsPath: p, toString: () => `file://${p}` });
const statusItem = { visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
const coverage = 'role ✓ task ✓ background ✗ format ✓ style ✗ tool ✗ guardrail ✗';

const vscode = {
  StatusBarAlignment: { Left: 1, Right: 2 },
  ViewColumn: { Beside: -2 },
  Uri: { file: uri },
  workspace: {
    getConfiguration: (section) => ({ get: (key) => (section === 'facet' ? values[key] : undefined) }),
    onDidChangeTextDocument: (f) => { listeners.change = f; return disposable; },
    onDidChangeConfiguration: (f) => { listeners.configuration = f; return disposable; },
    openTextDocument: async (u) => ({ uri: u }),
  },
  window: {
    activeTextEditor: undefined,
    createStatusBarItem: (id) => { assert.strictEqual(id, 'facet.coverage'); return statusItem; },
    onDidChangeActiveTextEditor: (f) => { listeners.editor = f; return disposable; },
    showTextDocument: async (document, options) => { shown.push([document.uri.fsPath, options]); },
    showWarningMessage: (m) => { warnings.push(m); },
    showErrorMessage: (m) => { throw new Error(`unexpected error message: ${m}`); },
  },
  commands: {
    registerCommand: (id, f) => { registered[id] = f; return disposable; },
    executeCommand: async (id) => {
      assert.strictEqual(id, 'vscode.executeCodeLensProvider');
      return [{ command: { command: 'facet.preview', title: '▶ Preview' } }, { command: { command: 'facet.showCoverage', title: coverage } }];
    },
  },
};

class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, running: false, requests: [], notifications: [] });
    this.code2ProtocolConverter = { asUri: (u) => u.toString() };
    clients.push(this);
  }
  async start() { this.running = true; }
  async stop() { this.running = false; }
  isRunning() { return this.running; }
  async sendRequest(method, params) {
    this.requests.push([method, params]);
    return { file: `/work/.facet/previews/a.${params.command === 'facet.evaluate' ? 'eval' : 'preview'}.md`, cases: [] };
  }
  sendNotification(method, params) { this.notifications.push([method, params]); }
}

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient };
  return load.call(this, request, ...rest);
};
const extension = require('./extension.js');
const tick = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.deepStrictEqual(Object.keys(registered).sort(), commands, 'activate registers the contributed commands');
  assert.ok(context.subscriptions.length >= 4, 'disposables are kept');

  const client = clients[0];
  assert.strictEqual(client.id, 'facet', 'the client id matches facet.trace.server');
  assert.deepStrictEqual(client.serverOptions, { command: '/opt/facet/bin/facet', args: ['lsp'] });
  assert.deepStrictEqual(client.clientOptions.documentSelector.map((s) => s.language), ['facet', 'facet']);
  const sent = client.clientOptions.initializationOptions;
  assert.deepStrictEqual(Object.keys(sent).sort(), ['diagnosticsDelay', 'inlayHints', 'maxDiagnostics', 'minUnits', 'preview', 'requiredFacets', 'rules', 'tokenBudget'],
    'only server settings with a value are sent');
  const answers = await client.clientOptions.middleware.workspace.configuration(
    { items: [{ section: 'facet' }, { section: 'editor' }] }, undefined, async () => [{ path: 'x' }, { tabSize: 2 }]);
  assert.deepStrictEqual(answers, [sent, { tabSize: 2 }], 'workspace/configuration for facet answers the server settings');

  // Commands need a system message open.
  await registered['facet.runPreview']();
  assert.strictEqual(warnings.length, 1);
  vscode.window.activeTextEditor = { document: { languageId: 'facet', uri: uri('/work/a.system.md') } };
  await registered['facet.runPreview']();
  await registered['facet.runEvaluate']();
  assert.deepStrictEqual(client.requests, [
    ['workspace/executeCommand', { command: 'facet.preview', arguments: ['file:///work/a.system.md'] }],
    ['workspace/executeCommand', { command: 'facet.evaluate', arguments: ['file:///work/a.system.md'] }],
  ]);
  assert.deepStrictEqual(shown.map((s) => s[0]), ['/work/.facet/previews/a.preview.md', '/work/.facet/previews/a.eval.md']);
  assert.strictEqual(shown[0][1].preserveFocus, true);

  // The status bar counts the coverage lens's ticks.
  listeners.editor();
  await tick(20);
  assert.ok(statusItem.visible, 'the status item shows for a system message');
  assert.strictEqual(statusItem.text, '$(checklist) facets 3/7');
  assert.deepStrictEqual(statusItem.command.arguments, ['file:///work/a.system.md']);
  assert.strictEqual(statusItem.command.command, 'facet.showCoverage');
  vscode.window.activeTextEditor = { document: { languageId: 'markdown', uri: uri('/work/README.md') } };
  listeners.editor();
  await tick(20);
  assert.ok(!statusItem.visible, 'and hides for other files');

  // Settings changes are pushed; a new binary path restarts the server.
  listeners.configuration({ affectsConfiguration: (s) => s === 'facet' });
  assert.deepStrictEqual(client.notifications, [['workspace/didChangeConfiguration', { settings: sent }]]);
  values.path = '/usr/local/bin/facet';
  listeners.configuration({ affectsConfiguration: (s) => s === 'facet' || s === 'facet.path' });
  await tick(20);
  assert.strictEqual(clients.length, 2);
  assert.ok(!client.isRunning() && clients[1].isRunning());
  assert.strictEqual(clients[1].serverOptions.command, '/usr/local/bin/facet');

  await extension.deactivate();
  assert.ok(!clients[1].isRunning());
  console.log('VS Code extension: manifest and activation checks passed');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
