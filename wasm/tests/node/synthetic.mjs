// Seeded synthetic Haringey profiles for the Node tests: every setting, EHCP status, need level,
// early years age and override, so that every family, status and band turns up. No real data.

/** mulberry32: a small, well-known seeded generator, so the same seed gives the same cases. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SETTINGS = ['mainstream_school', 'resourced_provision', 'special_school', 'early_years_setting'];
const EHCP = ['none', 'requested', 'assessing', 'issued'];
const NEEDS = ['communication_interaction', 'cognition_learning', 'semh', 'sensory_physical', 'medical_personal_care'];
const DEVELOPMENT = ['communication_language', 'physical', 'psed'];
const DEV_LEVELS = [0, 8, 16, 22, 30, 40];
const BANDS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

const pad = (n) => String(n).padStart(2, '0');
const iso = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** `n` profiles, each with the evaluation date it is checked on: `[{ on, profile }]`. */
export function haringeyCases(n, seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const start = Date.UTC(2024, 8, 1);
  const cases = [];
  for (let i = 0; i < n; i++) {
    const onDate = new Date(start + int(0, 364) * 86400000);
    const on = iso(onDate);
    const setting = SETTINGS[i % SETTINGS.length];
    const early = setting === 'early_years_setting';
    // Early years children straddle the 24 and 60 month limits; school children are 4 to 18.
    const months = early ? int(18, 66) : int(48, 216);
    const dob = new Date(Date.UTC(onDate.getUTCFullYear(), onDate.getUTCMonth() - months, int(1, 28)));
    const profile = { case_id: `SYN-${seed}-${i}`, date_of_birth: iso(dob), setting };
    if (r() < 0.85) profile.ehcp = pick(EHCP);
    // A quarter of the cases are uniformly high, so the top bands are reached as often as the low.
    const floor = r() < 0.25 ? int(2, 4) : 0;
    profile.needs = {};
    for (const need of NEEDS) {
      const level = Math.max(floor, int(0, 4));
      if (level > 0 || r() < 0.5) profile.needs[need] = level;
    }
    profile.sen_support = {
      apdr_cycles: int(0, 4),
      specialist_advice: r() < 0.6,
      notional_spend: `${int(0, 9000)}.${pad(int(0, 99))}`,
      progress: pick(['expected', 'limited', 'none']),
    };
    if (early) {
      const funded = pick([0, 15, 22.5, 30, 12]);
      profile.early_years = {
        funded_hours: funded,
        weeks: int(10, 40),
        // A level some months behind (or ahead of) the child's age, so every band is reached.
        development: Object.fromEntries(
          DEVELOPMENT.filter(() => r() < 0.9).map((d) => {
            const behind = pick([-12, 0, 2, 6, 9, 12, 18, 24]);
            return [d, Math.max(...DEV_LEVELS.filter((l) => l <= Math.max(0, months - behind)))];
          }),
        ),
      };
    } else {
      profile.attendance = { days_on_roll: r() < 0.7 ? 190 : int(1, 189) };
    }
    if (r() < 0.06) profile.override = { band: pick(BANDS), reason: 'Panel decision (synthetic)' };
    cases.push({ on, profile });
  }
  return cases;
}

/** Profiles the engine must refuse, each for a different reason. */
export const INVALID = [
  { case_id: 'BAD-1', setting: 'mainstream_school' },
  { case_id: 'BAD-2', date_of_birth: '2015-02-30', setting: 'mainstream_school' },
  { case_id: 'BAD-3', date_of_birth: '2015-03-01', setting: 'school', needs: { semh: 5 } },
  { case_id: 'BAD-4', date_of_birth: '2015-03-01', setting: 'mainstream_school', needs: { smeh: 2 } },
  { case_id: 'BAD-5', date_of_birth: '2015-03-01', setting: 'mainstream_school', override: { band: 'D' } },
  { case_id: 'BAD-6', date_of_birth: '2015-03-01', setting: 'mainstream_school', attendance: { days_on_roll: 'all' } },
];
