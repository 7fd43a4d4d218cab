// ESLint flat config (issue 18 item 7): the recommended JavaScript and typescript-eslint rules, without
// type-aware rules (they would double the lint time for little this code base needs), plus a few
// rules that catch real mistakes here. Formatting is Prettier's job (.prettierrc.json).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "examples/**/node_modules/", "provider/sim/bin/", "test/fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a key away, an ignored parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // Lazy `require` is deliberate here: the provider shims are serialized functions that must load
      // the runtime inside each method, the dispatcher loads runtime modules on first use, and the
      // runner reaches Pulumi internals that have no typed entry point.
      "@typescript-eslint/no-require-imports": "off",
      // Matching control characters is the point where it happens (YAML and Go-style quoting).
      "no-control-regex": "off",
      // Tests match aligned table output, where literal spaces read better than {n}.
      "no-regex-spaces": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    // Tests build loose fixtures and fakes; the runner speaks to Pulumi's untyped gRPC objects.
    files: ["test/**/*.ts", "provider/sim/pulumi/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Build scripts run under Node.
    files: ["scripts/**/*.{js,mjs,cjs}"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  {
    // Examples are Pulumi programs for users, compiled by their own tsconfig.
    files: ["examples/**/*.{js,mjs,cjs}"],
    languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly" } },
  },
);
