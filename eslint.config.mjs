// The layers of SearchLab, enforced: a wrong import fails `npm test` (see CONTRIBUTING.md for why each rule exists).
//   renderer, preload  → only src/shared (the contract): the UI never reaches into the engine
//   model              → no rl, search, datasets or storage: the model engine knows nothing of the method
//   storage            → no feature folders: SQL serves everyone and depends on no one
//   elsewhere          → the features below only through their index.ts, so their insides can change
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const FEATURES = ['rl', 'search', 'datasets', 'demo', 'verl', 'jobs', 'engine', 'server', 'cli', 'bench', 'electron', 'model'];
const deepInto = (folder) => [`**/main/${folder}/*`, `../${folder}/*`, `../../${folder}/*`, `../../../${folder}/*`, `../../../../${folder}/*`];
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});
// Features whose insides others reach only through their index.ts. Not (yet) here: demo/ (no index.ts; its callers
// use a few of its modules directly, though it reaches the others through theirs), storage/ (features use its repositories' modules), platform/ (utilities
// every layer uses), server/ (the Electron window takes only its content security policy, without the server),
// and the faces cli/, bench/, electron/, which nothing else imports.
const INDEXED = ['model', 'search', 'rl', 'datasets', 'engine', 'jobs', 'verl'];
// A folder that may reach into some of the others (none today).
const THROUGH_INDEX_EXCEPT = {};
const throughIndex = (folder) =>
  restrict(
    INDEXED.filter((f) => f !== folder && !(THROUGH_INDEX_EXCEPT[folder] ?? []).includes(f)).flatMap(deepInto),
    `Reach ${INDEXED.join('/, ')}/ through their index.ts.`,
  );

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'native/**', 'dist/**', 'test-artifacts/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'src/preload/**/*.ts'],
    rules: restrict(['**/main/**', '../main', '../../main'], 'The renderer and preload import only src/shared (the contract).'),
  },
  {
    files: ['src/main/model/**/*.ts'],
    rules: restrict(
      ['rl', 'search', 'datasets', 'storage'].flatMap((f) => [`**/main/${f}`, `**/main/${f}/**`, `../../${f}`, `../../${f}/**`, `../../../${f}`, `../../../${f}/**`, `../${f}`, `../${f}/**`]),
      'The model engine imports no rl, search, datasets or storage code.',
    ),
  },
  {
    files: ['src/main/storage/**/*.ts'],
    rules: restrict(
      FEATURES.flatMap((f) => [`../${f}`, `../${f}/**`, `../../${f}`, `../../${f}/**`]),
      'Storage imports no feature folder.',
    ),
  },
  // One block per folder (a later block's no-restricted-imports replaces an earlier one's, so each folder gets all
  // its patterns at once); model/ and storage/ keep their stricter rules above.
  ...[...FEATURES.filter((f) => f !== 'model'), 'platform'].map((folder) => ({
    files: [`src/main/${folder}/**/*.ts`],
    rules: throughIndex(folder),
  })),
);
