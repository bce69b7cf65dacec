//! A roll-up's groups held compactly while items are folded in: dimension values are
//! interned once (a large organization's emails are stored once, whatever the periods
//! and groups they appear in), and each group's sums are plain counts and exact
//! decimals, side by side, instead of one tagged amount per measure.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::runtime::money::Cents;
use crate::runtime::presentation::Amount;

/// A group's key: one interned value per dimension ([`NONE`] for a missing value).
pub(super) type Key = Box<[u32]>;
/// One period's groups, compact.
pub(super) type Compact = BTreeMap<Key, Sums>;

/// The key of a missing dimension value.
const NONE: u32 = u32::MAX;

/// Dimension values, each stored once.
#[derive(Default)]
pub(super) struct Values {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Values {
    pub(super) fn id(&mut self, value: Option<String>) -> u32 {
        let Some(value) = value else { return NONE };
        if let Some(id) = self.ids.get(value.as_str()) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(NONE - 1).min(NONE - 1);
        let shared: Arc<str> = value.into();
        self.names.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    pub(super) fn name(&self, id: u32) -> Option<String> {
        self.names.get(usize::try_from(id).ok()?).map(|name| name.to_string())
    }

    /// For each id of `other`, this one's id of the same value (given if new).
    pub(super) fn absorb(&mut self, other: &Values) -> Vec<u32> {
        other.names.iter().map(|name| self.id(Some(name.to_string()))).collect()
    }

    /// `key`, whose ids are `other`'s, with the ids [`Values::absorb`] gave.
    pub(super) fn rekey(key: &[u32], ids: &[u32]) -> Key {
        key.iter().map(|id| if *id == NONE { NONE } else { ids.get(*id as usize).copied().unwrap_or(NONE) }).collect()
    }

    /// Every value, in the order of their ids (what a kept roll-up stores).
    pub(super) fn names(&self) -> Vec<&str> {
        self.names.iter().map(|name| &**name).collect()
    }

    /// The values `names` lists, each with its index as id.
    pub(super) fn from_names(names: Vec<String>) -> Values {
        let mut values = Values::default();
        for name in names {
            values.id(Some(name));
        }
        values
    }

    /// Whether `key` names only values held here (or none).
    pub(super) fn holds(&self, key: &[u32]) -> bool {
        key.iter().all(|id| *id == NONE || (*id as usize) < self.names.len())
    }
}

/// The sums of one group, in one allocation: the counts, then each money sum as
/// [`MONEY_WORDS`] words (its exact decimal's mantissa, low and high, and its scale).
/// A large organization's roll-up holds a hundred thousand groups: one allocation a
/// group instead of two.
pub(super) struct Sums(Box<[u64]>);

/// Words a money sum takes in [`Sums`].
const MONEY_WORDS: usize = 3;

impl Sums {
    fn money(&self, at: usize) -> Cents {
        let words = &self.0[at..at + MONEY_WORDS];
        let mantissa = (i128::from(words[1] as i64) << 64) | i128::from(words[0]);
        Cents::from_parts(mantissa, words[2] as u32)
    }

    fn set_money(&mut self, at: usize, cents: Cents) {
        let (mantissa, scale) = cents.parts();
        self.0[at] = mantissa as u64;
        self.0[at + 1] = (mantissa >> 64) as u64;
        self.0[at + 2] = u64::from(scale);
    }
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    /// The index of the count.
    Count(usize),
    /// The index of the money sum's first word.
    Cents(usize),
    Usd(usize),
}

/// Where each measure's sum lives in [`Sums`].
pub(super) struct Layout {
    slots: Vec<Slot>,
    counts: usize,
    money: usize,
}

impl Layout {
    /// The layout of measures whose zero amounts are `zero`, in order.
    pub(super) fn new(zero: &[Amount]) -> Layout {
        let counts = zero.iter().filter(|amount| matches!(amount, Amount::Count(_))).count();
        let (mut count, mut money) = (0, 0);
        let next = |slot: &mut usize, words: usize| {
            *slot += 1;
            (*slot - 1) * words
        };
        let slots = zero
            .iter()
            .map(|amount| match amount {
                Amount::Count(_) => Slot::Count(next(&mut count, 1)),
                Amount::Cents(_) => Slot::Cents(counts + next(&mut money, MONEY_WORDS)),
                Amount::Usd(_) => Slot::Usd(counts + next(&mut money, MONEY_WORDS)),
            })
            .collect();
        Layout { slots, counts, money }
    }

    pub(super) fn zero(&self) -> Sums {
        // A zero decimal is all zero words.
        Sums(vec![0; self.counts + self.money * MONEY_WORDS].into())
    }

    /// Adds `amount` to measure `index`; `None` on overflow or an amount of another kind.
    pub(super) fn add(&self, sums: &mut Sums, index: usize, amount: &Amount) -> Option<()> {
        match (self.slots.get(index)?, amount) {
            (Slot::Count(at), Amount::Count(n)) => sums.0[*at] = sums.0[*at].checked_add(*n)?,
            (Slot::Cents(at), Amount::Cents(c)) | (Slot::Usd(at), Amount::Usd(c)) => {
                let sum = sums.money(*at).checked_add(*c)?;
                sums.set_money(*at, sum);
            }
            _ => return None,
        }
        Some(())
    }

    /// The counts of `sums`, in order.
    fn counts<'s>(&self, sums: &'s Sums) -> &'s [u64] {
        &sums.0[..self.counts]
    }

    /// The money sums of `sums`, in order.
    fn money<'s>(&self, sums: &'s Sums) -> impl Iterator<Item = Cents> + 's {
        let counts = self.counts;
        (0..self.money).map(move |n| sums.money(counts + n * MONEY_WORDS))
    }

    /// Sums of these counts and money sums, in order.
    fn sums(&self, counts: &[u64], money: &[Cents]) -> Sums {
        let mut sums = self.zero();
        sums.0[..self.counts].copy_from_slice(counts);
        for (n, cents) in money.iter().enumerate() {
            sums.set_money(self.counts + n * MONEY_WORDS, *cents);
        }
        sums
    }

    /// The sums as one amount per measure, in order.
    pub(super) fn amounts(&self, sums: &Sums) -> Vec<Amount> {
        self.slots
            .iter()
            .map(|slot| match *slot {
                Slot::Count(at) => Amount::Count(sums.0[at]),
                Slot::Cents(at) => Amount::Cents(sums.money(at)),
                Slot::Usd(at) => Amount::Usd(sums.money(at)),
            })
            .collect()
    }
}

/// One period's groups as a kept roll-up stores them: how many, then their keys, their
/// counts and their money, each run flat in the groups' order (no object a group).
#[derive(Deserialize)]
pub(super) struct Kept {
    groups: usize,
    keys: Vec<u32>,
    counts: Vec<u64>,
    money: Vec<Cents>,
}

/// One period's groups written as [`Kept`] reads them, straight from the groups.
pub(super) struct Keeping<'a>(pub &'a Layout, pub &'a Compact);

impl Serialize for Keeping<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Keeping(layout, groups) = *self;
        let mut kept = serializer.serialize_struct("Kept", 4)?;
        kept.serialize_field("groups", &groups.len())?;
        kept.serialize_field("keys", &Flat(|| groups.keys().flat_map(|key| key.iter())))?;
        kept.serialize_field("counts", &Flat(|| groups.values().flat_map(|sums| layout.counts(sums))))?;
        kept.serialize_field("money", &Flat(|| groups.values().flat_map(|sums| layout.money(sums))))?;
        kept.end()
    }
}

/// A sequence written from an iterator, without collecting it.
struct Flat<F>(F);

impl<F: Fn() -> I, I: Iterator<Item: Serialize>> Serialize for Flat<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

impl Layout {
    /// The groups `kept` holds, each key of `dimensions` ids of `values`; `None` when
    /// they do not fit this layout.
    pub(super) fn read_back(&self, kept: Kept, dimensions: usize, values: &Values) -> Option<Compact> {
        let n = kept.groups;
        let fits = kept.keys.len() == n.checked_mul(dimensions)?
            && kept.counts.len() == n.checked_mul(self.counts)?
            && kept.money.len() == n.checked_mul(self.money)?
            && values.holds(&kept.keys);
        if !fits {
            return None;
        }
        let mut keys = kept.keys.iter();
        let (mut counts, mut money) = (kept.counts.chunks(self.counts.max(1)), kept.money.chunks(self.money.max(1)));
        let groups = (0..n).map(|_| {
            let key: Key = keys.by_ref().take(dimensions).copied().collect();
            let counts = if self.counts == 0 { &[] } else { counts.next().unwrap_or_default() };
            let money = if self.money == 0 { &[] } else { money.next().unwrap_or_default() };
            (key, self.sums(counts, money))
        });
        Some(groups.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_add_exactly_in_their_slots_and_read_back_in_measure_order() {
        let cents = |text: &str| Cents::parse(text).unwrap();
        let layout = Layout::new(&[Amount::Count(0), Amount::Cents(Cents::ZERO), Amount::Count(0)]);
        let mut sums = layout.zero();
        layout.add(&mut sums, 0, &Amount::Count(2)).unwrap();
        layout.add(&mut sums, 1, &Amount::Cents(cents("0.125"))).unwrap();
        layout.add(&mut sums, 1, &Amount::Cents(cents("10"))).unwrap();
        layout.add(&mut sums, 2, &Amount::Count(u64::MAX)).unwrap();
        assert!(layout.add(&mut sums, 2, &Amount::Count(1)).is_none(), "overflow");
        assert!(layout.add(&mut sums, 0, &Amount::Usd(Cents::ZERO)).is_none(), "another kind");
        assert_eq!(layout.amounts(&sums), [Amount::Count(2), Amount::Cents(cents("10.125")), Amount::Count(u64::MAX)]);
        // Money of any sign and size is kept exactly in its words.
        let money = Layout::new(&[Amount::Usd(Cents::ZERO), Amount::Count(0), Amount::Cents(Cents::ZERO)]);
        let mut sums = money.zero();
        let (large, negative) = (cents("-98765432109876.54321"), cents("-0.000001"));
        money.add(&mut sums, 0, &Amount::Usd(large)).unwrap();
        money.add(&mut sums, 2, &Amount::Cents(negative)).unwrap();
        money.add(&mut sums, 1, &Amount::Count(7)).unwrap();
        assert_eq!(money.amounts(&sums), [Amount::Usd(large), Amount::Count(7), Amount::Cents(negative)]);
        let mut values = Values::default();
        let (a, b, none) = (values.id(Some("a".into())), values.id(Some("b".into())), values.id(None));
        assert_eq!(
            (values.id(Some("a".into())), values.name(a), values.name(b), values.name(none)),
            (a, Some("a".into()), Some("b".into()), None)
        );
    }
}
