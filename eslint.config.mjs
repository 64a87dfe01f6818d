// ESLint 9 flat config: eslint's and typescript-eslint's recommended rules, without type information
// (the type-checked presets would run the TypeScript compiler a second time; `tsc --noEmit` already does).
// Formatting is Prettier's job (.prettierrc.json), so no stylistic rules here.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated, installed or not ours: the golden files, the Python environment, build and review output.
    ignores: ["test/golden/**", ".venv/**", "out/**", "dist/**", "review/**", ".relmesh/**", "spark-warehouse/**", "metastore_db/**"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A leading underscore marks a parameter or binding that is unused on purpose (a callback's
      // position, a destructured field left out of a rest object).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // Off: `tsc --strict` already rejects every implicit any, so each `any` left is written on purpose, at the
      // untyped-JSON boundary: ARM, Graph and Synapse REST bodies, Pulumi mock inputs, and the tests' walks over
      // generated Synapse documents (72 sites, 58 of them in test/). Typing those documents is its own change.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // Off in cli/: commands load their modules lazily with `require(...) as typeof import(...)` so that
    // `relmesh sample` does not pay for the Pulumi SDK; tsx compiles cli/ as CommonJS and a dynamic
    // import() would bypass it (see the comment at the top of cli/main.ts). The types stay checked.
    files: ["cli/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // bin/relmesh.js and jest.config.js are plain CommonJS run by node, which has no other way to load modules.
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The local dashboard's browser app: classic scripts (no bundler), loaded in order from file://;
    // each adds its part to window.RM, and the libraries are the globals their UMD builds define.
    files: ["dashboard/app/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, Chart: "readonly", cytoscape: "readonly" } },
  },
);
