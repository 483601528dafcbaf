//! Fitting text into columns: middle truncation with `…` and column widths for a total width.
//! Pure (no terminal): the CLI's `list` (both) and the TUI's list (middle truncation).

/// `s` in at most `width` characters: the start and the end are kept, the middle becomes `…`
/// (a host's start and a URL's path end both matter).
pub fn middle(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let keep = width - 1;
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}

/// Widths for columns whose natural widths are `natural`, fitting `total` with `gap` between
/// columns. Columns with `min[i] == natural[i]` never shrink; the widest shrinkable column
/// gives up a character at a time, down to its minimum.
pub fn widths(natural: &[usize], min: &[usize], total: usize, gap: usize) -> Vec<usize> {
    let mut w = natural.to_vec();
    let room = total.saturating_sub(gap * natural.len().saturating_sub(1));
    while w.iter().sum::<usize>() > room {
        let widest = (0..w.len())
            .filter(|&i| w[i] > min[i])
            .max_by_key(|&i| w[i]);
        match widest {
            Some(i) => w[i] -= 1,
            None => break,
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_keeps_both_ends_and_the_width() {
        let s = "https://contoso.openai.azure.com/openai/deployments/gpt-4o-mini";
        for w in 1..s.len() {
            let m = middle(s, w);
            assert_eq!(m.chars().count(), w, "{m}");
            assert!(m.contains('…'));
            assert!(s.starts_with(m.split('…').next().unwrap()));
            assert!(s.ends_with(m.split('…').nth(1).unwrap()));
        }
        assert_eq!(middle("short", 10), "short");
    }

    #[test]
    fn widths_fit_the_total_shrinking_the_widest_first() {
        let w = widths(&[64, 12, 50, 8], &[8, 12, 10, 8], 80, 2);
        assert_eq!(w.iter().sum::<usize>() + 6, 80, "{w:?}");
        assert_eq!((w[1], w[3]), (12, 8), "fixed columns keep their width");
        assert!(w[0] >= 8 && w[2] >= 10);
        // Too narrow for the minimums: the minimums, nothing below.
        assert_eq!(widths(&[64, 12], &[8, 12], 10, 2), vec![8, 12]);
        // Room enough: natural widths.
        assert_eq!(widths(&[5, 6], &[1, 1], 80, 2), vec![5, 6]);
    }
}
