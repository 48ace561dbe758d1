/**
 * The one runner of the labs: variants × scenarios × runs. Each variant is set up once, its scenarios run in
 * order, each the planned number of times, and the variant is torn down whatever happened.
 *
 * One error budget for every lab: a run that throws (a lab error) or that its scenario marks as spoiled by a
 * lab fault is recorded, reported and replaced, at most REPLACEMENTS_PER_SCENARIO times per scenario, so the
 * targets are still judged on the planned number of runs; a variant that errs MAX_ERRORS_PER_VARIANT times is
 * given up. Lab errors fail the lab even when replacements filled the runs: a fault in the lab is never hidden.
 */

export const REPLACEMENTS_PER_SCENARIO = 2;
export const MAX_ERRORS_PER_VARIANT = 3;

/** One scenario of a variant, as the lab plans it. */
export interface ScenarioPlan<R> {
  /** The scenario; a run may measure more (a crash run measures the return too): `alsoMeasures`. */
  readonly scenario: string;
  readonly alsoMeasures?: readonly string[];
  /** Good runs wanted. */
  readonly runs: number;
  /** What distinguishes run `n` (e.g. a rollout order), printed with it. */
  label?(run: number): string | undefined;
  /** One run: a record per scenario it measured. */
  run(run: number): Promise<R[]>;
}

export interface VariantPlan<R> {
  readonly variant: string;
  setup(): Promise<void>;
  /** Read after setup: some plans depend on what setup built (the cluster's nodes). */
  scenarios(): readonly ScenarioPlan<R>[];
  teardown(): Promise<void>;
}

export interface RunnerHooks<R> {
  progress(message: string): void;
  /** One line for a record. */
  describe(record: R): string;
  /** The record an errored run leaves for `scenario`. */
  errored(variant: string, scenario: string, run: number, error: string, label?: string): R;
  /** A record the run produced but a lab fault spoiled (kept and reported, replaced by another run). */
  spoiled?(record: R): boolean;
}

export interface LabRuns<R> {
  readonly records: R[];
  /** Lab errors: each fails the lab. */
  readonly errors: string[];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs every variant's plan under the one error budget. */
export async function runPlans<R>(variants: readonly VariantPlan<R>[], hooks: RunnerHooks<R>): Promise<LabRuns<R>> {
  const records: R[] = [];
  const errors: string[] = [];
  for (const v of variants) {
    let variantErrors = 0;
    try {
      await v.setup();
      for (const plan of v.scenarios()) {
        let good = 0;
        for (let n = 1; good < plan.runs && n <= plan.runs + REPLACEMENTS_PER_SCENARIO; n++) {
          const label = plan.label?.(n);
          const tag = `${v.variant} | ${plan.scenario}${label ? ` (${label})` : ''} ${n}/${plan.runs}`;
          try {
            const produced = await plan.run(n);
            records.push(...produced);
            for (const r of produced) hooks.progress(`${tag}: ${hooks.describe(r)}`);
            if (!produced.some((r) => hooks.spoiled?.(r))) good++;
          } catch (e) {
            variantErrors++;
            errors.push(`${tag}: ${message(e)}`);
            hooks.progress(`${tag}: ERROR ${message(e)}`);
            for (const s of [plan.scenario, ...(plan.alsoMeasures ?? [])]) records.push(hooks.errored(v.variant, s, n, message(e), label));
            if (variantErrors >= MAX_ERRORS_PER_VARIANT)
              throw new Error(`${MAX_ERRORS_PER_VARIANT} runs failed, giving up on this variant`);
          }
        }
      }
    } catch (e) {
      errors.push(`${v.variant}: ${message(e)}`);
      hooks.progress(`${v.variant}: ERROR ${message(e)}`);
    } finally {
      hooks.progress(`${v.variant}: tearing down`);
      try {
        await v.teardown();
      } catch (e) {
        errors.push(`${v.variant}: teardown: ${message(e)}`);
      }
    }
  }
  return { records, errors };
}
