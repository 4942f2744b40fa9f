//! Random Solomon-format problems for the solver's unit tests.

use crate::model::{ObjectiveKind, Problem};
use crate::rng::Rng;

/// A Solomon problem of `customers` random customers (windows 5–120 wide in a day of 400,
/// demands 1–20) served by five vehicles of capacity `capacity`, with the distance objective.
pub fn random_solomon(seed: u64, customers: usize, capacity: i64) -> Problem {
    let mut text = format!(
        "T\n\nVEHICLE\nNUMBER     CAPACITY\n  5         {capacity}\n\nCUSTOMER\n\
         CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n\n\
         0 50 50 0 0 400 0\n",
    );
    let mut rng = Rng::new(seed);
    for c in 1..=customers {
        let open = rng.range(0, 250);
        let width = rng.range(5, 120);
        text.push_str(&format!(
            "{c} {} {} {} {open} {} {}\n",
            rng.range(0, 100),
            rng.range(0, 100),
            rng.range(1, 20),
            open + width,
            rng.range(0, 15)
        ));
    }
    crate::io::solomon::read(text.as_bytes(), "t.txt", ObjectiveKind::Distance)
        .expect("a valid Solomon text")
}
