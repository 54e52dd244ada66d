// Lint enforces the layering (README, Layout) alongside the per-folder tsconfig settings:
//   shared ← electron/services ← electron/{main,server,preload};  shared ← renderer.
import { existsSync } from 'node:fs';
import path from 'node:path';
import tseslint from 'typescript-eslint';

const outsideShared = ['**/electron/**', '**/renderer/**', '../electron', '../renderer'];
const electronModules = ['electron', 'electron/*', 'electron-store', '@electron/*'];
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto'];

/**
 * The renderer opens, feeds and closes streams through one client (renderer/src/api/open-stream.ts):
 * it holds events that arrive before the open answers, closes a stream cancelled before its id is
 * known, and stops every handler after the end. A hand-written copy elsewhere drifts (one dropped
 * an early end), so this rule forbids listening to `stream.*` events or calling `streams.*` there.
 */
const streamClientOnly = {
  meta: {
    type: 'problem',
    messages: {
      events: "Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not listen to '{{event}}' yourself.",
      calls: 'Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not call streams.{{method}} yourself.',
      service: 'Open streams with openStream/useStream from renderer/src/api/open-stream.ts; do not take the streams service yourself.',
    },
    schema: [],
  },
  create(context) {
    const text = (node) =>
      node?.type === 'Literal' && typeof node.value === 'string' ? node.value : node?.type === 'TemplateLiteral' && node.expressions.length === 0 ? node.quasis[0].value.cooked : null;
    const name = (node) => (node?.type === 'Identifier' ? node.name : text(node));
    return {
      CallExpression(node) {
        const event = text(node.arguments[0]);
        if (node.callee.type === 'MemberExpression' && name(node.callee.property) === 'on' && event?.startsWith('stream.')) {
          context.report({ node, messageId: 'events', data: { event } });
        }
      },
      MemberExpression(node) {
        const method = name(node.property);
        const owner = node.object.type === 'MemberExpression' ? name(node.object.property) : name(node.object);
        if (owner === 'streams' && ['open', 'close', 'send'].includes(method)) context.report({ node, messageId: 'calls', data: { method } });
        // `client().streams` kept aside to call later is the same thing.
        else if (method === 'streams' && node.object.type === 'CallExpression' && node.parent.type !== 'MemberExpression') context.report({ node, messageId: 'service' });
      },
      VariableDeclarator(node) {
        const taken = node.id.type === 'ObjectPattern' && node.id.properties.some((p) => p.type === 'Property' && name(p.key) === 'streams');
        if (taken && node.init?.type === 'CallExpression') context.report({ node, messageId: 'service' });
      },
    };
  },
};

/**
 * Forms are built with the form-dialog kit (renderer/src/components/FormDialog.tsx, use-submit.ts,
 * fields.tsx): busy state, the last attempt's error at its field, Enter and Escape written once. A
 * dialog with its own submit handler, or a bare <form>, in a feature is a copy that will drift.
 */
const formKitOnly = {
  meta: {
    type: 'problem',
    messages: {
      dialog: 'A dialog with a form is a FormDialog (renderer/src/components/FormDialog.tsx), not a Dialog with onSubmit.',
      form: 'A form on a page is a Form (renderer/src/components/FormDialog.tsx), not a bare <form>.',
    },
    schema: [],
  },
  create(context) {
    return {
      JSXOpeningElement(node) {
        if (node.name.type !== 'JSXIdentifier') return;
        if (node.name.name === 'form') context.report({ node, messageId: 'form' });
        else if (node.name.name === 'Dialog' && node.attributes.some((a) => a.type === 'JSXAttribute' && a.name.name === 'onSubmit')) context.report({ node, messageId: 'dialog' });
      },
    };
  },
};

/**
 * Test fixtures, fake servers and benches live in test-support/ folders, which only tests, e2e
 * specs and scripts may import: app code that reached one would ship a fake peer (or vitest) in
 * the product, and would make a fixture's change a product change. The test runner itself is
 * refused in app code for the same reason.
 */
const TEST_SUPPORT = /(^|\/)test-support(\/|$)/;
const noTestSupport = {
  meta: {
    type: 'problem',
    messages: {
      testSupport: "'{{source}}' is test support: only tests, e2e specs and scripts import it. Move what the app needs out of test-support/.",
      runner: "'{{source}}' is the test runner: only tests and test support import it.",
    },
    schema: [],
  },
  create(context) {
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      if (TEST_SUPPORT.test(source.value)) context.report({ node: source, messageId: 'testSupport', data: { source: source.value } });
      else if (/^vitest(\/|$)/.test(source.value)) context.report({ node: source, messageId: 'runner', data: { source: source.value } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

/** What an import in a renderer file names, as a path under renderer/src/ (null: a package, or outside it). */
function rendererTarget(filename, source) {
  if (typeof source !== 'string' || !source.startsWith('.')) return null;
  const abs = path.resolve(path.dirname(filename), source).split(path.sep).join('/');
  const at = abs.lastIndexOf('/renderer/src/');
  return at < 0 ? null : abs.slice(at + '/renderer/src/'.length);
}
const importSources = (check) => ({
  ImportDeclaration: (node) => check(node.source, node),
  ExportNamedDeclaration: (node) => node.source && check(node.source, node),
  ExportAllDeclaration: (node) => check(node.source, node),
  ImportExpression: (node) => check(node.source, node),
});

/**
 * The renderer's data has one owner: the store holds the lists and calls the services for them,
 * and a feature's other calls (one-shot actions, detail reads) are in that feature's api.ts. A
 * component that takes the client itself grows a second copy of a list, or a call no one can find.
 */
const clientInDataModules = {
  meta: {
    type: 'problem',
    messages: { client: "Call the services through the store's actions or this feature's api.ts, not client() here." },
    schema: [],
  },
  create(context) {
    return importSources((source, node) => {
      const target = rendererTarget(context.filename, source.value);
      if (target !== 'api/client' && target !== 'api/client.ts') return;
      const named = node.type === 'ImportDeclaration' ? node.specifiers : node.type === 'ExportNamedDeclaration' ? node.specifiers : null;
      // A namespace import or a re-export of everything hands the client over too.
      const takes = !named || named.some((sp) => sp.type === 'ImportNamespaceSpecifier' || (sp.type === 'ImportSpecifier' ? sp.imported.name : sp.local.name) === 'client');
      if (takes) context.report({ node: source, messageId: 'client' });
    });
  },
};

/**
 * The renderer's layers: features/ build on components/, lib/, store/ and api/, never the other
 * way round; and a feature uses another through what that feature's index.ts offers, so moving
 * files inside a feature touches no other feature.
 */
const featureBoundaries = {
  meta: {
    type: 'problem',
    messages: {
      below: "{{layer}}/ is below the features: it does not import '{{source}}'. Move what both need to components/ or lib/.",
      across: "A feature imports another only through that feature's index.ts: take it from features/{{feature}}/index.ts, not '{{source}}'.",
    },
    schema: [],
  },
  create(context) {
    const self = rendererTarget(context.filename, './x');
    if (!self) return {};
    const [layer, feature] = self.split('/');
    return importSources((source) => {
      const target = rendererTarget(context.filename, source.value);
      if (!target?.startsWith('features/')) return;
      const [, other, ...rest] = target.split('/');
      if (layer !== 'features') {
        if (['components', 'store', 'lib', 'api'].includes(layer)) context.report({ node: source, messageId: 'below', data: { layer, source: source.value } });
      } else if (other !== feature && !(rest.length === 0 || (rest.length === 1 && /^index(\.tsx?)?$/.test(rest[0])))) {
        context.report({ node: source, messageId: 'across', data: { feature: other, source: source.value } });
      }
    });
  },
};

const servicesLayer = {
  group: [...electronModules, '**/renderer/**', '../main/*', '../../main/*', '**/electron/main/**', '**/electron/server/**', '**/electron/preload/**'],
  message: 'services never import Electron, the shell or the renderer (README, Layout).',
};

/**
 * Services announce what happened with their own typed events (platform/emitter.ts); app.ts alone
 * turns them into the window's events. A service that took the window's bus would talk to the UI
 * directly again, and one that listened to it would learn domain facts from payloads meant for
 * the window.
 */
const windowBusInAppOnly = {
  group: ['**/rpc/event-bus', '../rpc/event-bus', '../../rpc/event-bus', '../../../rpc/event-bus'],
  message: "Only app.ts uses the window's event bus: announce with an Emitter (platform/emitter.ts) and listen to the services' events (README, Layout).",
};

/**
 * A feature of the services (one folder: its contract implementation, its stream starters, its
 * inside) is reached through its index.ts, which lists what it offers the others: its inside can
 * then change without visiting every folder that used it. A folder of electron/services/ with an
 * index.ts is a feature; the mechanisms (ssh, docker, platform, rpc, streams) have none. Tests and test
 * support may reach inside to build what they test.
 */
const isServiceFeature = (services, folder) => !!folder && !folder.startsWith('.') && existsSync(path.join(services, folder, 'index.ts'));
const featureThroughIndex = {
  meta: {
    type: 'problem',
    messages: { inside: "'{{source}}' reaches inside the services' {{feature}} feature: import it from the folder's index.ts (export it there if the others need it)." },
    schema: [],
  },
  create(context) {
    const services = path.join(context.cwd, 'electron', 'services');
    const here = path.relative(services, context.filename).split(path.sep);
    const own = here.length > 1 && here[0] !== '..' ? here[0] : null;
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = path.relative(services, path.resolve(path.dirname(context.filename), source.value)).split(path.sep);
      const [feature, ...rest] = target;
      if (feature === own || !isServiceFeature(services, feature)) return;
      if (rest.length === 0 || (rest.length === 1 && /^index(\.ts)?$/.test(rest[0]))) return;
      context.report({ node: source, messageId: 'inside', data: { source: source.value, feature } });
    };
    return importSources(check);
  },
};

/** The Electron shell does not reach into headless mode: both take what they share from electron/web/. */
const shellsApart = {
  group: ['**/electron/server/**', '../server/*', '../../server/*'],
  message: 'The Electron shell does not import headless mode: move what both need to electron/web/ (README, Layout).',
};
const ipcMainOnlyInIpc = [{ name: 'electron', importNames: ['ipcMain'], message: 'Use electron/main/ipc.ts, which checks senders and validates input.' }];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

const sharedOnly = { group: [...outsideShared, ...electronModules, ...nodeBuiltins], message: 'shared/ imports nothing from other folders, Node or Electron (README, Layout).' };
/**
 * The contract's lists (features.ts, then methods, streams and events) are built from the feature
 * files when they load: a feature file that imports them back closes a cycle, and the lists are
 * built before that feature exists (a crash at start-up, far from its cause).
 */
const contractMechanism = ['index.ts', 'features.ts', 'methods.ts', 'streams.ts', 'events.ts', 'validation.ts', 'client.ts', 'bridge.ts', 'define.ts', 'fields.ts', 'terminal.ts'];
const notTheDerivedLists = ['.', './', './index', './features', './methods', './streams', './events', './validation', './client'].map((name) => ({
  name,
  message: 'A feature’s contract file is read by the lists derived from it (features.ts, methods.ts, streams.ts, events.ts): importing them back makes an import cycle. Take shared field schemas from fields.ts and the record helpers from define.ts.',
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.cache/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sharedOnly] }] },
  },
  {
    // The feature files of the contract (both rules: one config replaces the other's list).
    files: ['shared/contract/*.ts'],
    ignores: ['shared/contract/*.test.ts', ...contractMechanism.map((f) => `shared/contract/${f}`)],
    rules: { 'no-restricted-imports': ['error', { paths: notTheDerivedLists, patterns: [sharedOnly] }] },
  },
  {
    files: ['electron/services/**/*.ts'],
    ignores: ['electron/services/app.ts', 'electron/services/rpc/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [servicesLayer, windowBusInAppOnly] }] },
  },
  {
    files: ['electron/services/app.ts', 'electron/services/rpc/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [servicesLayer] }] },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    rules: restrict([...electronModules, ...nodeBuiltins, '**/electron/**', '../electron', '../../electron'], 'the renderer imports only shared/ and talks to the bridge (README, Layout).'),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/src/api/open-stream.ts', 'renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    plugins: { 'homeport-streams': { rules: { 'client-only': streamClientOnly } } },
    rules: { 'homeport-streams/client-only': 'error' },
  },
  {
    files: ['renderer/**/*.tsx'],
    ignores: ['renderer/src/components/**', 'renderer/**/*.test.tsx'],
    plugins: { 'homeport-forms': { rules: { 'form-kit-only': formKitOnly } } },
    rules: { 'homeport-forms/form-kit-only': 'error' },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/src/api/**', 'renderer/src/store/**', 'renderer/src/features/*/api.ts', 'renderer/**/*.test.ts', 'renderer/**/*.test.tsx', 'renderer/**/test-support/**'],
    plugins: { 'homeport-data': { rules: { 'client-in-data-modules': clientInDataModules } } },
    rules: { 'homeport-data/client-in-data-modules': 'error' },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx', 'renderer/**/test-support/**'],
    plugins: { 'homeport-layers': { rules: { 'feature-boundaries': featureBoundaries } } },
    rules: { 'homeport-layers/feature-boundaries': 'error' },
  },
  {
    // Renderer tests run under Node (a real WebSocket server in ws-bridge.test.ts) but still never reach main-process code.
    files: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    rules: restrict([...electronModules, '**/electron/**', '../electron', '../../electron'], 'renderer tests exercise the renderer through the bridge only (README, Layout).'),
  },
  {
    files: ['electron/server/**/*.ts'],
    rules: restrict(
      [...electronModules, '**/renderer/**', '**/electron/main/**', '../main/*', '../../main/*'],
      'headless mode runs without Electron: the server never imports it or the shell; what both need lives in electron/web/ (README, Layout).',
    ),
  },
  {
    // The two shells serve the same UI: what both need (the CSP, the built UI's files, loopback
    // hosts) lives in electron/web/, so neither reaches into the other.
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/ipc.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ipcMainOnlyInIpc, patterns: [shellsApart] }] },
  },
  {
    // Only the IPC module and the preload touch raw IPC (Heroic / VS Code habit).
    files: ['electron/main/ipc.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [shellsApart] }] },
  },
  {
    files: ['electron/web/**/*.ts'],
    rules: restrict(
      [...electronModules, '**/renderer/**', '**/electron/main/**', '**/electron/server/**', '**/electron/services/**', '../main/*', '../server/*', '../services/*', '../services/**'],
      'electron/web/ is what both shells need to serve the UI: plain Node, importing neither shell, the services nor Electron (README, Layout).',
    ),
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    plugins: { 'homeport-services': { rules: { 'feature-through-index': featureThroughIndex } } },
    rules: { 'homeport-services/feature-through-index': 'error' },
  },
  {
    // Everything but tests, test support, e2e specs and scripts.
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/*.e2e.ts', '**/test-support/**', 'e2e/**', 'scripts/**', '**/vitest.config.ts'],
    plugins: { 'homeport-tests': { rules: { 'no-test-support': noTestSupport } } },
    rules: { 'homeport-tests/no-test-support': 'error' },
  },
);
