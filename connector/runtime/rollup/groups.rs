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

/// The sums of one group: the counts, and the money, each in its measure's slot.
pub(super) struct Sums {
    counts: Box<[u64]>,
    money: Box<[Cents]>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Count(usize),
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
        let (mut counts, mut money) = (0, 0);
        let next = |slot: &mut usize| {
            *slot += 1;
            *slot - 1
        };
        let slots = zero
            .iter()
            .map(|amount| match amount {
                Amount::Count(_) => Slot::Count(next(&mut counts)),
                Amount::Cents(_) => Slot::Cents(next(&mut money)),
                Amount::Usd(_) => Slot::Usd(next(&mut money)),
            })
            .collect();
        Layout { slots, counts, money }
    }

    pub(super) fn zero(&self) -> Sums {
        Sums { counts: vec![0; self.counts].into(), money: vec![Cents::ZERO; self.money].into() }
    }

    /// Adds `amount` to measure `index`; `None` on overflow or an amount of another kind.
    pub(super) fn add(&self, sums: &mut Sums, index: usize, amount: &Amount) -> Option<()> {
        match (self.slots.get(index)?, amount) {
            (Slot::Count(slot), Amount::Count(n)) => sums.counts[*slot] = sums.counts[*slot].checked_add(*n)?,
            (Slot::Cents(slot), Amount::Cents(c)) | (Slot::Usd(slot), Amount::Usd(c)) => {
                sums.money[*slot] = sums.money[*slot].checked_add(*c)?;
            }
            _ => return None,
        }
        Some(())
    }

    /// The sums as one amount per measure, in order.
    pub(super) fn amounts(&self, sums: &Sums) -> Vec<Amount> {
        self.slots
            .iter()
            .map(|slot| match *slot {
                Slot::Count(i) => Amount::Count(sums.counts[i]),
                Slot::Cents(i) => Amount::Cents(sums.money[i]),
                Slot::Usd(i) => Amount::Usd(sums.money[i]),
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
pub(super) struct Keeping<'a>(pub &'a Compact);

impl Serialize for Keeping<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let groups = self.0;
        let mut kept = serializer.serialize_struct("Kept", 4)?;
        kept.serialize_field("groups", &groups.len())?;
        kept.serialize_field("keys", &Flat(|| groups.keys().flat_map(|key| key.iter())))?;
        kept.serialize_field("counts", &Flat(|| groups.values().flat_map(|sums| sums.counts.iter())))?;
        kept.serialize_field("money", &Flat(|| groups.values().flat_map(|sums| sums.money.iter())))?;
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
        let (mut keys, mut counts, mut money) = (kept.keys.iter(), kept.counts.iter(), kept.money.iter());
        let groups = (0..n).map(|_| {
            let key: Key = keys.by_ref().take(dimensions).copied().collect();
            let counts = counts.by_ref().take(self.counts).copied().collect();
            let money = money.by_ref().take(self.money).copied().collect();
            (key, Sums { counts, money })
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
        let mut values = Values::default();
        let (a, b, none) = (values.id(Some("a".into())), values.id(Some("b".into())), values.id(None));
        assert_eq!(
            (values.id(Some("a".into())), values.name(a), values.name(b), values.name(none)),
            (a, Some("a".into()), Some("b".into()), None)
        );
    }
}
