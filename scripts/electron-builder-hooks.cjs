// electron-builder's beforeBuild hook (electron-builder.yml): returning false tells it that
// node_modules are handled outside electron-builder. dist/app has none: the main bundle inlines
// every JavaScript dependency and better-sqlite3's binding is staged as a file. Without this,
// finding no node_modules in dist/app, it would collect the repository's production
// dependencies instead.
exports.default = async function beforeBuild() {
  return false;
};
