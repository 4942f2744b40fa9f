//! Realistic native instances around Lyon: technicians with homes, mixed skills and levels,
//! customer sites in three SLA tiers, and visits of all four kinds. The same seed gives the
//! same instance.

use std::collections::BTreeMap;

use crate::io::native::{
    BreakDto, CalendarDto, CrewDto, LevelCountDto, LocationDto, ObjectiveDto, ProblemDto, ShiftDto,
    SiteDto, SkillNeedDto, SlaTierDto, TechnicianDto, TravelDto, TravelMode, VisitDto,
    VisitKindDto, WindowDto,
};
use crate::io::roads::{RoadEdgeDto, RoadNetworkDto, RoadNodeDto};
use crate::io::time::{format_duration, format_timestamp, parse_timestamp};
use crate::rng::Rng;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Number of visits.
    pub visits: usize,
    /// Number of technicians.
    pub technicians: usize,
    /// Working days (one shift per technician per day).
    pub days: usize,
    /// Random seed.
    pub seed: u64,
    /// Add the field-service rules: overtime, working-time caps, preferred, excluded and
    /// previous technicians, durations by skill level.
    pub field_rules: bool,
    /// Travel over a generated road network instead of straight lines.
    pub roads: bool,
    /// Pair technicians into crews and give some installations to two technicians together.
    pub crews: bool,
}

const CENTRE: (f64, f64) = (45.7640, 4.8357);
const SKILLS: [&str; 6] = [
    "hvac",
    "electrical",
    "plumbing",
    "fiber",
    "elevator",
    "security",
];
const FIRST_DAY: &str = "2026-03-02T00:00:00+01:00";

/// A point within `km` kilometres of the centre (denser near it).
fn around(rng: &mut Rng, km: f64) -> LocationDto {
    let r = km * rng.unit().powf(0.7);
    let a = rng.unit() * std::f64::consts::TAU;
    let lat = CENTRE.0 + r * a.sin() / 111.2;
    let lon = CENTRE.1 + r * a.cos() / (111.2 * CENTRE.0.to_radians().cos());
    let round = |x: f64| (x * 1e5).round() / 1e5;
    LocationDto {
        lat: Some(round(lat)),
        lon: Some(round(lon)),
        x: None,
        y: None,
    }
}

/// Generates an instance.
pub fn generate(spec: Spec) -> ProblemDto {
    let mut rng = Rng::new(spec.seed);
    let first = parse_timestamp(FIRST_DAY).unwrap_or_else(|_| unreachable!("a valid constant"));
    let at = |secs: i64| format_timestamp(&first, secs);
    const DAY: i64 = 86_400;
    const H: i64 = 3_600;
    let days = spec.days.max(1) as i64;

    let technicians: Vec<TechnicianDto> = (0..spec.technicians)
        .map(|i| {
            let mut skills = BTreeMap::new();
            let count = 1 + rng.range(1, 2) as usize;
            while skills.len() < count {
                let level = *rng.pick(&[1, 2, 2, 3, 3, 3, 4, 4, 5]);
                skills.insert(rng.pick(&SKILLS).to_string(), level);
            }
            let start = if rng.chance(0.3) { 7 * H } else { 8 * H };
            TechnicianDto {
                id: format!("T{:03}", i + 1),
                home: around(&mut rng, 18.0),
                end_location: None,
                skills,
                shifts: (0..days)
                    .map(|d| ShiftDto {
                        start: at(d * DAY + start),
                        end: at(d * DAY + start + 9 * H),
                        lunch: None,
                    })
                    .collect(),
                cost_per_hour: rng.range(35, 60) as f64,
                fixed_cost: 0.0,
                capacity: None,
                max_overtime: None,
                overtime_cost_per_hour: 0.0,
                max_working_time: None,
                max_weekly_working_time: None,
            }
        })
        .collect();

    // Response targets count in business hours, as service contracts state them: a call
    // after hours is due the given open hours after the next opening.
    let tier = |name: &str, response: &str, per_minute: f64, breach: f64| SlaTierDto {
        name: name.into(),
        response: response.into(),
        penalty_per_minute: per_minute,
        breach_penalty: breach,
        calendar: Some(BUSINESS.into()),
    };
    let tiers = vec![
        tier("platinum", "PT4H", 5.0, 500.0),
        tier("gold", "PT8H", 2.0, 200.0),
        tier("silver", "PT10H", 0.5, 50.0),
    ];
    let site_count = (spec.visits * 6).div_ceil(7).max(1);
    let sites: Vec<SiteDto> = (0..site_count)
        .map(|i| {
            let tier = match rng.unit() {
                x if x < 0.15 => "platinum",
                x if x < 0.5 => "gold",
                _ => "silver",
            };
            SiteDto {
                id: format!("S{:04}", i + 1),
                location: around(&mut rng, 15.0),
                sla: Some(tier.into()),
                last_technician: None,
            }
        })
        .collect();

    let visits = (0..spec.visits)
        .map(|i| {
            let site = rng.range(0, site_count as i64 - 1) as usize;
            let kind = match rng.unit() {
                x if x < 0.35 => VisitKindDto::Repair,
                x if x < 0.65 => VisitKindDto::Maintenance,
                x if x < 0.85 => VisitKindDto::Inspection,
                _ => VisitKindDto::Installation,
            };
            let (minutes, top_level) = match kind {
                VisitKindDto::Repair => (rng.range(2, 9) * 10, 4),
                VisitKindDto::Maintenance => (rng.range(3, 12) * 10, 3),
                VisitKindDto::Inspection => (rng.range(2, 5) * 10, 2),
                VisitKindDto::Installation => (rng.range(6, 18) * 10, 4),
            };
            // A requirement some technician meets: copy one technician's skill, at most its level.
            let mut skills = BTreeMap::new();
            if let Some(t) =
                technicians.get(rng.range(0, technicians.len() as i64 - 1).max(0) as usize)
            {
                let held: Vec<(&String, &i64)> = t.skills.iter().collect();
                let (name, &level) = *rng.pick(&held);
                let level = rng.range(1, level.min(top_level));
                skills.insert(name.clone(), SkillNeedDto::Level(level));
            }
            let day = rng.range(0, days - 1);
            let mut windows = Vec::new();
            let mut requested_at = None;
            if kind == VisitKindDto::Repair {
                // Break-fix calls: requested from the evening before to mid-morning.
                requested_at = Some(at(day * DAY + rng.range(-6 * 60, 11 * 60) * 60));
            } else if rng.chance(0.6) {
                let morning = rng.chance(0.5);
                let (from, to) = if morning {
                    (8 * H, 12 * H)
                } else {
                    (13 * H, 17 * H)
                };
                windows.push(WindowDto {
                    start: at(day * DAY + from),
                    end: at(day * DAY + to),
                });
            }
            let optional = kind == VisitKindDto::Inspection && rng.chance(0.3);
            VisitDto {
                id: format!("V{:04}", i + 1),
                site: sites[site].id.clone(),
                kind,
                duration: format_duration(minutes * 60),
                skills,
                crew_size: None,
                windows,
                requested_at,
                sla: None,
                priority: if rng.chance(0.1) { 2 } else { 1 },
                optional,
                penalty: optional.then_some(80.0),
                demand: 0,
                excluded_technicians: Vec::new(),
                preferred_technicians: Vec::new(),
                preference_penalty: None,
                assigned_technician: None,
            }
        })
        .collect();

    let mut dto = ProblemDto {
        name: format!(
            "lyon-{}v-{}t-{}d-s{}",
            spec.visits, spec.technicians, days, spec.seed
        ),
        skills: SKILLS.iter().map(|s| s.to_string()).collect(),
        sla_tiers: tiers,
        calendars: vec![business_hours()],
        technicians,
        crews: Vec::new(),
        sites,
        visits,
        travel: TravelDto::default(),
        objective: ObjectiveDto::default(),
        duration_factor_by_level: BTreeMap::new(),
    };
    if spec.field_rules {
        add_field_rules(&mut dto, spec.seed);
        dto.name.push_str("-rules");
    }
    if spec.crews {
        add_crews(&mut dto, spec.seed);
        dto.name.push_str("-crews");
    }
    if spec.roads {
        dto.travel = TravelDto {
            mode: TravelMode::Road,
            network: Some(road_grid()),
            ..TravelDto::default()
        };
        dto.name.push_str("-roads");
    }
    dto
}

/// Pairs every two of the first half of the technicians into a crew (named after its two
/// members, working the first one's shifts) and gives half of the installations to two
/// technicians together: a skill both members of a random crew hold, at most the lower of
/// their levels, or else any two people. Draws from its own random stream, like the field
/// rules.
fn add_crews(dto: &mut ProblemDto, seed: u64) {
    let mut rng = Rng::new(seed ^ 0xc4e3_5eed);
    let pairs = dto.technicians.len() / 4;
    dto.crews = (0..pairs)
        .map(|k| {
            dto.technicians[2 * k + 1].shifts = dto.technicians[2 * k].shifts.clone();
            let (a, b) = (&dto.technicians[2 * k], &dto.technicians[2 * k + 1]);
            CrewDto {
                id: format!("{}+{}", a.id, b.id),
                technicians: vec![a.id.clone(), b.id.clone()],
            }
        })
        .collect();
    if pairs == 0 {
        return;
    }
    for visit in &mut dto.visits {
        if visit.kind != VisitKindDto::Installation || !rng.chance(0.5) {
            continue;
        }
        let k = rng.range(0, pairs as i64 - 1) as usize;
        let (a, b) = (&dto.technicians[2 * k], &dto.technicians[2 * k + 1]);
        let shared: Vec<(&String, i64)> = a
            .skills
            .iter()
            .filter_map(|(name, &la)| b.skills.get(name).map(|&lb| (name, la.min(lb))))
            .collect();
        visit.skills.clear();
        match shared.is_empty() {
            true => visit.crew_size = Some(2),
            false => {
                let (name, top) = *rng.pick(&shared);
                let level = rng.range(1, top);
                visit.skills.insert(
                    name.clone(),
                    SkillNeedDto::Crew(vec![LevelCountDto { level, count: 2 }]),
                );
            }
        }
    }
}

/// A road grid over 40 × 40 km around the centre, junctions every 2 km: streets at 30 km/h,
/// every fifth line an arterial at 70 km/h, all two-way but for one-way streets on every third
/// line (alternating direction), and a river along the middle crossed by three bridges.
fn road_grid() -> RoadNetworkDto {
    const SIDE: usize = 21;
    const STEP_KM: f64 = 2.0;
    let id = |row: usize, col: usize| format!("n{row:02}{col:02}");
    let half = (SIDE - 1) as f64 * STEP_KM / 2.0;
    let nodes = (0..SIDE)
        .flat_map(|row| (0..SIDE).map(move |col| (row, col)))
        .map(|(row, col)| {
            let (y, x) = (row as f64 * STEP_KM - half, col as f64 * STEP_KM - half);
            let round = |v: f64| (v * 1e5).round() / 1e5;
            RoadNodeDto {
                id: id(row, col),
                lat: round(CENTRE.0 + y / 111.2),
                lon: round(CENTRE.1 + x / (111.2 * CENTRE.0.to_radians().cos())),
            }
        })
        .collect();
    let mut edges = Vec::new();
    let mut link = |from: String, to: String, line: usize, forward: bool| {
        let speed_kmh = if line % 5 == 0 { 70.0 } else { 30.0 };
        let one_way = line % 3 == 1;
        let (from, to) = if one_way && !forward {
            (to, from)
        } else {
            (from, to)
        };
        edges.push(RoadEdgeDto {
            from,
            to,
            length_m: STEP_KM * 1000.0,
            speed_kmh,
            two_way: !one_way,
        });
    };
    let river = SIDE / 2;
    for row in 0..SIDE {
        for col in 0..SIDE {
            if col + 1 < SIDE {
                link(id(row, col), id(row, col + 1), row, row % 2 == 0);
            }
            let bridge = [3, 10, 17].contains(&col);
            if row + 1 < SIDE && (row != river || bridge) {
                link(id(row, col), id(row + 1, col), col, col % 2 == 0);
            }
        }
    }
    RoadNetworkDto { nodes, edges }
}

/// The calendar SLA clocks count in: Monday to Friday, 08:00 to 18:00.
const BUSINESS: &str = "business";

fn business_hours() -> CalendarDto {
    CalendarDto {
        name: BUSINESS.into(),
        utc_offset: None,
        hours: ["mon", "tue", "wed", "thu", "fri"]
            .into_iter()
            .map(|day| (day.to_string(), vec![["08:00".into(), "18:00".into()]]))
            .collect(),
        holidays: Vec::new(),
    }
}

/// Adds the field-service rules, drawing from their own random stream so the rest of the
/// instance is the one generated without them: a 30-minute break starting
/// 3½ to 6 hours into each shift; one hour of overtime at a 50 % premium, a 10-hour cap per
/// shift and a weekly cap of 8½ hours per shift in a week (so a busy week cannot run every shift
/// to its end); a quarter of the sites with the technician who served them last; a
/// tenth of the visits with one or two preferred technicians and a twentieth with an excluded
/// one; trainees take 25 % longer and experts 20 % less.
fn add_field_rules(dto: &mut ProblemDto, seed: u64) {
    let mut rng = Rng::new(seed ^ 0x5eed_f1e1d);
    let ids: Vec<String> = dto.technicians.iter().map(|t| t.id.clone()).collect();
    for tech in &mut dto.technicians {
        // Lunch: 30 minutes starting 3½ to 6 hours into the shift.
        for shift in &mut tech.shifts {
            let start = parse_timestamp(&shift.start).unwrap_or_else(|_| unreachable!("generated"));
            shift.lunch = Some(BreakDto {
                earliest: format_timestamp(&start, 3 * 3600 + 1800),
                latest: format_timestamp(&start, 6 * 3600),
                duration: "PT30M".into(),
            });
        }
        tech.max_overtime = Some("PT1H".into());
        tech.overtime_cost_per_hour = tech.cost_per_hour / 2.0;
        tech.max_working_time = Some("PT10H".into());
        let weekly = 510 * 60 * tech.shifts.len().min(7) as i64;
        tech.max_weekly_working_time = Some(format_duration(weekly));
    }
    for site in &mut dto.sites {
        if rng.chance(0.25) {
            site.last_technician = Some(rng.pick(&ids).clone());
        }
    }
    let technicians = dto.technicians.clone();
    for visit in &mut dto.visits {
        // Preferred technicians hold what the visit needs (a preference for someone who may
        // not do it is a warning of `validate`).
        let able: Vec<&String> = technicians
            .iter()
            .filter(|t| {
                visit.skills.iter().all(|(name, need)| match need {
                    SkillNeedDto::Level(level) => t.skills.get(name).is_some_and(|l| l >= level),
                    SkillNeedDto::Crew(_) => false,
                })
            })
            .map(|t| &t.id)
            .collect();
        if rng.chance(0.1) && !able.is_empty() {
            let count = rng.range(1, 2) as usize;
            visit.preferred_technicians = (0..count).map(|_| (*rng.pick(&able)).clone()).collect();
            visit.preferred_technicians.dedup();
        }
        if rng.chance(0.05) {
            visit.excluded_technicians = vec![rng.pick(&ids).clone()];
        }
    }
    dto.duration_factor_by_level = [("1", 1.25), ("2", 1.1), ("4", 0.9), ("5", 0.8)]
        .into_iter()
        .map(|(level, factor)| (level.to_string(), factor))
        .collect();
}
