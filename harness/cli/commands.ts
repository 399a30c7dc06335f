/**
 * The `push-lab` subcommands, by name. Each entry runs with the arguments after its name and
 * resolves to the process exit code (0 ok, 1 a check or test failed, 2 a usage error). A new
 * subcommand adds one entry here; the dispatcher and `push-lab --help` pick it up.
 */
export interface Subcommand {
  /** One line for `push-lab --help`. */
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const SUBCOMMANDS: Record<string, Subcommand> = {
  start: {
    summary: 'start the lab: mock-oppo, the fake IM server, virtual phones and the lab API (= npm run lab)',
    run: async (argv) => (await import('../lab/cli.ts')).runLab(argv),
  },
  test: {
    summary: 'run YAML push flows (default flows/); --dry-run only checks them',
    run: async (argv) => (await import('../flows/cli.ts')).runTest(argv),
  },
  doctor: {
    summary: "check why a user's pushes do not arrive: the FAQ's checklist against the lab (or --live), with what to fix",
    run: async (argv) => (await import('../doctor/cli.ts')).runDoctor(argv),
  },
  'adb-tunnel': {
    summary: "reach the ADB endpoint of a lab on another machine from this one's loopback (needs the lab token)",
    run: async (argv) => (await import('../lab/adb-tunnel-cli.ts')).runAdbTunnel(argv),
  },
  'im-contract': {
    summary: 'contract check for the Tencent IM REST API: record real exchanges through a proxy, verify the fake against them',
    run: async (argv) => (await import('../im/contract-cli.ts')).imContractMain(argv),
  },
};
