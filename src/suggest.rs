//! "Did you mean" hints for misspelt names: inputs, fields, steps, functions, enum values.
//! One rule everywhere: the nearest candidate within a third of the name's length in edits.

/// `did you mean "x"?` for the candidate nearest to `name` by Damerau-Levenshtein distance, when
/// it is at most a third of the name's length (at least 1) away; ties go to the first listed.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::damerau_levenshtein(name, c);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("did you mean \"{c}\"?"))
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn the_nearest_name_within_a_third_of_its_length() {
        let names = ["needs.semh", "needs.learning"];
        assert_eq!(
            did_you_mean("needs.smeh", names).as_deref(),
            Some("did you mean \"needs.semh\"?")
        );
        assert_eq!(did_you_mean("postcode", names), None);
    }
}
