//! Compact sets for the tallies: actors interned as small indices, and sets of indices
//! or of days as bitsets, so a tally over a large organization holds each email once,
//! however many days and groups count it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::runtime::Date;

/// Names (emails) and their indices, each name stored once.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Interner {
    ids: HashMap<Box<str>, u32>,
}

impl Interner {
    /// The index of `name`, given on first sight.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(name.into(), id);
        id
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// For each index of `other`, this interner's index of the same name (given if new).
    pub fn absorb(&mut self, other: &Interner) -> Vec<u32> {
        let mut ids = vec![0; other.len()];
        for (name, id) in &other.ids {
            if let Some(slot) = ids.get_mut(*id as usize) {
                *slot = self.id(name);
            }
        }
        ids
    }
}

/// A set of small numbers, one bit each, from `base` (a multiple of 64) upwards.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BitSet {
    base: i64,
    words: Vec<u64>,
    len: usize,
}

impl BitSet {
    /// Adds `n`; `true` when it was not there yet.
    pub fn insert(&mut self, n: i64) -> bool {
        let word_base = n.div_euclid(64) * 64;
        if self.words.is_empty() {
            self.base = word_base;
        } else if word_base < self.base {
            let more = usize::try_from((self.base - word_base) / 64).unwrap_or(0);
            self.words.splice(0..0, std::iter::repeat_n(0, more));
            self.base = word_base;
        }
        let index = usize::try_from((n - self.base) / 64).unwrap_or(0);
        if index >= self.words.len() {
            self.words.resize(index + 1, 0);
        }
        let bit = 1u64 << (n - self.base).rem_euclid(64);
        let fresh = self.words[index] & bit == 0;
        self.words[index] |= bit;
        self.len += usize::from(fresh);
        fresh
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The numbers in the set, in order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.words.iter().enumerate().flat_map(move |(index, word)| {
            let base = self.base + index as i64 * 64;
            (0..64).filter(move |bit| word & (1u64 << bit) != 0).map(move |bit| base + bit)
        })
    }

    /// The largest number in the set.
    pub fn last(&self) -> Option<i64> {
        let (index, word) = self.words.iter().enumerate().rev().find(|(_, word)| **word != 0)?;
        Some(self.base + index as i64 * 64 + 63 - i64::from(word.leading_zeros()))
    }
}

/// A set of UTC days.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySet(BitSet);

impl DaySet {
    pub fn insert(&mut self, day: Date) {
        self.0.insert(day.ordinal());
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    pub fn last(&self) -> Option<Date> {
        self.0.last().and_then(Date::from_ordinal)
    }

    /// Adds every day of `other`.
    pub fn union(&mut self, other: &DaySet) {
        for day in other.0.iter() {
            self.0.insert(day);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bitset_counts_distinct_numbers_in_either_direction() {
        let mut set = BitSet::default();
        assert_eq!(set.last(), None);
        for n in [700, 5, 700, 64, 63, -1, 1000, -130] {
            set.insert(n);
        }
        assert_eq!(set.len(), 7);
        assert_eq!(set.last(), Some(1000));
        assert!(!set.insert(-130) && set.insert(-129));
        assert_eq!(set.iter().collect::<Vec<_>>(), [-130, -129, -1, 5, 63, 64, 700, 1000]);
    }

    #[test]
    fn merged_tallies_map_indices_and_days_across() {
        let (mut ours, mut theirs) = (Interner::default(), Interner::default());
        ours.id("a@x.io");
        theirs.id("b@x.io");
        theirs.id("a@x.io");
        assert_eq!(ours.absorb(&theirs), [1, 0]);
        let day = |text: &str| Date::parse(text).unwrap();
        let (mut days, mut more) = (DaySet::default(), DaySet::default());
        days.insert(day("2026-03-01"));
        more.insert(day("2026-03-01"));
        more.insert(day("2026-03-09"));
        days.union(&more);
        assert_eq!((days.len(), days.last()), (2, Some(day("2026-03-09"))));
    }

    #[test]
    fn days_keep_their_last_and_interned_names_their_index() {
        let mut days = DaySet::default();
        for day in ["2026-03-05", "2026-01-31", "2026-03-05", "2025-12-31"] {
            days.insert(Date::parse(day).unwrap());
        }
        assert_eq!((days.len(), days.last().map(|d| d.to_string())), (3, Some("2026-03-05".into())));
        let mut names = Interner::default();
        assert_eq!((names.id("a@x.io"), names.id("b@x.io"), names.id("a@x.io")), (0, 1, 0));
        assert_eq!(names.len(), 2);
    }
}
