//! Rounds, interleaving and the figures printed: every variant of a
//! measurement runs once per round, in an order that rotates from round to
//! round, so a slow spell of this noisy machine falls on all of them alike.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Higher is better (operations per second) or lower is (milliseconds).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    OpsPerSecond,
    Millis,
    Micros,
}

pub type Run<'a> = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = f64> + 'a>> + 'a>;

/// One contender of a measurement.
pub struct Variant<'a> {
    pub name: &'static str,
    pub side: Side,
    pub run: Run<'a>,
}

/// Which side of the comparison a variant is on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Schemac,
    Raw,
    Sqlx,
    SeaOrm,
    Diesel,
}

impl Side {
    const PEERS: [(Side, &'static str); 4] = [
        (Side::Raw, "best raw"),
        (Side::Sqlx, "best sqlx"),
        (Side::SeaOrm, "SeaORM"),
        (Side::Diesel, "diesel-async"),
    ];
}

/// What a comparison found: each variant's median, and schemac's best
/// variant against the fastest of all the others, round by round.
pub struct Outcome {
    pub medians: Vec<(&'static str, f64)>,
    /// The median of the per-round ratios (above 1: schemac is faster).
    pub against_fastest: Option<f64>,
}

/// Runs `rounds` rounds of every variant and prints the table.
pub async fn compare(
    title: &str,
    unit: Unit,
    rounds: usize,
    mut variants: Vec<Variant<'_>>,
) -> Outcome {
    let n = variants.len();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            let value = (variants[i].run)().await;
            samples[i].push(value);
        }
    }
    print_table(title, unit, &variants, &samples);
    let ours = best_per_round(unit, &variants, &samples, |s| s == Side::Schemac);
    let theirs = best_per_round(unit, &variants, &samples, |s| s != Side::Schemac);
    let against_fastest = ours.zip(theirs).map(|(o, t)| {
        let ratios: Vec<f64> = o
            .iter()
            .zip(&t)
            .map(|(o, t)| speedup(unit, *o, *t))
            .collect();
        median(&ratios)
    });
    Outcome {
        medians: variants
            .iter()
            .zip(&samples)
            .map(|(v, s)| (v.name, median(s)))
            .collect(),
        against_fastest,
    }
}

fn better(unit: Unit, a: f64, b: f64) -> bool {
    match unit {
        Unit::OpsPerSecond => a > b,
        Unit::Millis | Unit::Micros => a < b,
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// The best variant of `side` in each round.
fn best_per_round(
    unit: Unit,
    variants: &[Variant<'_>],
    samples: &[Vec<f64>],
    side: impl Fn(Side) -> bool,
) -> Option<Vec<f64>> {
    let rounds = samples.first()?.len();
    let mut best: Option<Vec<f64>> = None;
    for (v, s) in variants.iter().zip(samples) {
        if !side(v.side) {
            continue;
        }
        match &mut best {
            None => best = Some(s.clone()),
            Some(b) => {
                for r in 0..rounds {
                    if better(unit, s[r], b[r]) {
                        b[r] = s[r];
                    }
                }
            }
        }
    }
    best
}

/// A ratio where above 1 means faster than the other side.
fn speedup(unit: Unit, ours: f64, theirs: f64) -> f64 {
    match unit {
        Unit::OpsPerSecond => ours / theirs,
        Unit::Millis | Unit::Micros => theirs / ours,
    }
}

fn print_table(title: &str, unit: Unit, variants: &[Variant<'_>], samples: &[Vec<f64>]) {
    let unit_name = match unit {
        Unit::OpsPerSecond => "ops/s",
        Unit::Millis => "ms",
        Unit::Micros => "µs",
    };
    println!(
        "\n## {title} ({unit_name}, median of {} rounds, min–max)",
        samples[0].len()
    );
    let peers: Vec<(&str, Vec<f64>)> = Side::PEERS
        .iter()
        .filter_map(|&(side, label)| {
            best_per_round(unit, variants, samples, |s| s == side).map(|best| (label, best))
        })
        .collect();
    for (v, s) in variants.iter().zip(samples) {
        let min = s.iter().copied().fold(f64::INFINITY, f64::min);
        let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut line = format!(
            "  {:<50} {:>10}  ({} – {})",
            v.name,
            format_value(unit, median(s)),
            format_value(unit, min),
            format_value(unit, max)
        );
        if v.side == Side::Schemac {
            // Ratios are taken round by round (the same minute of the machine)
            // and their median printed.
            for (label, best) in &peers {
                let ratios: Vec<f64> = s
                    .iter()
                    .zip(best)
                    .map(|(o, t)| speedup(unit, *o, *t))
                    .collect();
                line.push_str(&format!("  {:.2}× {label}", median(&ratios)));
            }
        }
        println!("{line}");
    }
}

fn format_value(unit: Unit, value: f64) -> String {
    match unit {
        Unit::OpsPerSecond => format!("{value:.0}"),
        Unit::Millis => format!("{value:.2}"),
        Unit::Micros => format!("{value:.1}"),
    }
}

/// Operations per second of `tasks` tasks each calling `op` in a loop for
/// `duration`. Each task gets its own state from `state(task)`, and a clone
/// of it per call (an `Arc` or a pool handle: a few atomic increments).
pub async fn throughput<S, St, StFut, Op, OpFut>(
    tasks: usize,
    duration: Duration,
    state: St,
    op: Op,
) -> f64
where
    St: Fn(usize) -> StFut,
    StFut: Future<Output = S>,
    S: Clone + Send + 'static,
    Op: Fn(S, i64) -> OpFut + Clone + Send + Sync + 'static,
    OpFut: Future<Output = ()> + Send,
{
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::with_capacity(tasks);
    let start = Arc::new(tokio::sync::Barrier::new(tasks + 1));
    for task in 0..tasks {
        let s = state(task).await;
        let (stop, done, start, op) = (stop.clone(), done.clone(), start.clone(), op.clone());
        handles.push(tokio::spawn(async move {
            let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ (task as u64 + 1);
            start.wait().await;
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                // xorshift: a cheap spread of keys over the table.
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                op(s.clone(), (rng % crate::ITEMS as u64) as i64 + 1).await;
                n += 1;
            }
            done.fetch_add(n, Ordering::Relaxed);
            drop(s);
        }));
    }
    start.wait().await;
    let started = Instant::now();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        handle.await.expect("benchmark task");
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// A throughput variant whose tasks share `state` (a pool or a client).
pub fn shared_by_tasks<'a, S, Op, OpFut>(state: S, duration: Duration, op: Op) -> Run<'a>
where
    S: Clone + Send + Sync + 'static,
    Op: Fn(S, i64) -> OpFut + Clone + Send + Sync + 'static,
    OpFut: Future<Output = ()> + Send,
{
    Box::new(move || {
        let (state, op) = (state.clone(), op.clone());
        Box::pin(async move {
            throughput(
                crate::TASKS,
                duration,
                |_| std::future::ready(state.clone()),
                op,
            )
            .await
        })
    })
}

/// The median time in milliseconds of `iterations` runs of `op`.
pub async fn latency<F, Fut>(iterations: usize, mut op: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        op().await;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    median(&times)
}
