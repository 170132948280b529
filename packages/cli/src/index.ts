export { run, USAGE, EXIT, type CliContext } from './cli';
