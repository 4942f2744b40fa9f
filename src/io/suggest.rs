//! "Did you mean …?" for unknown ids and values: the closest known name by edit distance
//! (a swap of two letters counts as one edit).

/// The candidate closest to `name`, if it is within a third of its length (at least one edit).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// ` Did you mean `x`?` for the closest candidate, or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// The value serde found unknown and the ones it expected, from its message
/// (`unknown variant `x`, expected one of `a`, `b``).
pub fn unknown_variant(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.split("unknown variant `").nth(1)?;
    let (found, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect::<Vec<_>>();
    Some((found, expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name() {
        assert_eq!(closest("hvca", ["hvac", "electrical"]), Some("hvac"));
        assert_eq!(
            closest("platnum", ["gold", "platinum", "silver"]),
            Some("platinum")
        );
        assert_eq!(closest("plumbing", ["hvac", "electrical"]), None);
        let m = "unknown variant `breakdown`, expected one of `installation`, `inspection`, `maintenance`, `repair` at line 1";
        let (found, expected) = unknown_variant(m).expect("parsed");
        assert_eq!(found, "breakdown");
        assert_eq!(
            expected,
            ["installation", "inspection", "maintenance", "repair"]
        );
        assert_eq!(did_you_mean("repiar", expected), "; did you mean `repair`?");
    }
}
