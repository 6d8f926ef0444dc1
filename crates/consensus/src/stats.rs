//! The significance tests pol.is uses (`stats.clj`), with its pseudocounts.

/// One-sided 90 % threshold for the z-scores below.
pub const Z_90: f64 = 1.2816;

/// Whether a z-score is significant at 90 %.
pub fn significant(z: f64) -> bool {
    z > Z_90
}

/// How far `s` successes in `n` trials lie above one half, with pseudocounts.
pub fn prop_test(s: f64, n: f64) -> f64 {
    2.0 * (n + 1.0).sqrt() * ((s + 1.0) / (n + 1.0) - 0.5)
}

/// Whether proportion `s1/n1` exceeds `s2/n2` (z-score, pseudocounts of one each).
pub fn two_prop_test(s1: f64, s2: f64, n1: f64, n2: f64) -> f64 {
    let (s1, s2, n1, n2) = (s1 + 1.0, s2 + 1.0, n1 + 1.0, n2 + 1.0);
    let p1 = s1 / n1;
    let p2 = s2 / n2;
    let pooled = (s1 + s2) / (n1 + n2);
    if pooled == 1.0 {
        return 0.0;
    }
    (p1 - p2) / (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_have_polis_pseudocounts() {
        // 6 of 6 agree: 2·sqrt(7)·(7/7 − 0.5) = sqrt(7).
        assert!((prop_test(6.0, 6.0) - 7f64.sqrt()).abs() < 1e-12);
        assert_eq!(two_prop_test(3.0, 3.0, 3.0, 3.0), 0.0);
        assert!(two_prop_test(9.0, 1.0, 10.0, 10.0) > Z_90);
    }
}
