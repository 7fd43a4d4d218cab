/**
 * Loaded by mocha before every test file (.mocharc.json `require`): the on-disk render/validate cache
 * (provider/talos/config/disk-cache.ts) is off for tests and the provider hosts they start, so one
 * test's renders never answer another's talosctl calls. Tests of the cache set their own directory.
 */
if (process.env.TALOS_HETZNER_CACHE_DIR === undefined) process.env.TALOS_HETZNER_CACHE_DIR = "off";
