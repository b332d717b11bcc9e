//! What the batch rules remember for a whole run: for each 128-bit digest, what came with it
//! first.
//!
//! A hash map of 24-byte entries held its slack in whole entries: its buckets are a power of
//! two at most 7/8 full, so past 917,504 forms each of the two maps went from 25 to 50 MiB at
//! once, and 1,200,000 files peaked at 173 MiB. Here the digests and what came with them are
//! kept in vectors, in the order they came, and the hash table holds only their places: the
//! slack is in 4-byte buckets.

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

/// A digest as two words: a `u128`'s 16-byte alignment would pad what sits beside it.
pub type Digest = [u64; 2];

pub fn digest(h: u128) -> Digest {
    [h as u64, (h >> 64) as u64]
}

pub struct FirstSeen<T> {
    digests: Vec<Digest>,
    values: Vec<T>,
    /// Places in `digests`, hashed by the digest's low word (an xxh3 digest is hash enough).
    places: HashTable<u32>,
}

impl<T> Default for FirstSeen<T> {
    fn default() -> Self {
        FirstSeen { digests: Vec::new(), values: Vec::new(), places: HashTable::new() }
    }
}

impl<T: Copy> FirstSeen<T> {
    /// Makes room for `n` digests in all. Only room made ahead: short of memory, it grows
    /// digest by digest instead.
    pub fn reserve(&mut self, n: usize) {
        let more = n.saturating_sub(self.digests.len());
        let _ = self.digests.try_reserve_exact(more);
        let _ = self.values.try_reserve_exact(more);
        let digests = &self.digests;
        let _ = self.places.try_reserve(more, |&at| digests[at as usize][0]);
    }

    /// What came first with `d`; or, when `d` is new, `None`, and `value` is kept as its first.
    pub fn first_or_keep(&mut self, d: Digest, value: T) -> Option<T> {
        let digests = &self.digests;
        match self.places.entry(d[0], |&p| digests[p as usize] == d, |&p| digests[p as usize][0]) {
            Entry::Occupied(found) => Some(self.values[*found.get() as usize]),
            Entry::Vacant(room) => {
                let place = u32::try_from(self.digests.len()).expect("fewer than 4 billion forms or files");
                room.insert(place);
                self.digests.push(d);
                self.values.push(value);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_value_of_each_digest_as_a_map_would() {
        let mut seen = FirstSeen::default();
        let mut map = std::collections::HashMap::new();
        // Digests that share their low word (the hash) still differ by the high one.
        let d = |i: u64| {
            digest(u128::from(xxhash_rust::xxh3::xxh3_64(&(i % 70_000).to_le_bytes())) | u128::from(i % 3) << 64)
        };
        for i in 0..200_000u64 {
            let want = *map.entry(d(i)).or_insert(i as u32);
            let got = seen.first_or_keep(d(i), i as u32);
            assert_eq!(got, (want != i as u32).then_some(want), "{i}");
        }
        assert_eq!(seen.digests.len(), map.len());
        assert_eq!(digest(1 << 100)[1], 1 << 36, "the high half counts");
    }

    #[test]
    fn a_digest_keeps_both_halves_in_two_words() {
        assert_eq!(std::mem::size_of::<Digest>(), 16);
        let h = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210_u128;
        assert_ne!(digest(h), digest(h ^ (1 << 100)), "the high half counts");
        assert_ne!(digest(h), digest(h ^ 1), "and the low half");
    }

    #[test]
    fn room_made_ahead_is_not_outgrown() {
        let mut seen = FirstSeen::default();
        seen.first_or_keep([1, 1], 0u32);
        seen.reserve(1000);
        let (buckets, digests) = (seen.places.capacity(), seen.digests.capacity());
        for i in 2..=1000 {
            assert_eq!(seen.first_or_keep([i, i], i as u32), None);
        }
        assert_eq!((seen.places.capacity(), seen.digests.capacity()), (buckets, digests));
        assert_eq!(seen.first_or_keep([7, 7], 0), Some(7));
    }
}
