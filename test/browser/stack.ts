// The in-process stack lives in test/support/in-process-stack.ts.
export {
  DASHBOARD_DIST,
  IN_PROCESS_RETRY_SCHEDULE as RETRY_SCHEDULE,
  buildDashboardIfStale,
  startInProcessStack as startStack,
  type InProcessStack as Stack,
} from '../support/in-process-stack';
