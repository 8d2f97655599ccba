import path from 'node:path';
import { Option } from 'commander';
import { defaultDataDir } from '../server/data-dir';

export const dataOption = () =>
  new Option('--data <dir>', 'data folder (SQLite file, JWT secret)').default(defaultDataDir(), 'the per-user FleetDesk folder').argParser((v) => path.resolve(v));
