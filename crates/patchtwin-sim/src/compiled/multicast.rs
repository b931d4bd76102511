//! Multicast publications compiled: the copies of one publication (one flow per subscriber,
//! `patchtwin_model::Flow::multicast`) and how far their routes from the publisher run
//! together, so that one message leaves the publisher and is copied only where the routes
//! part. Not here: moving the message (`net`).
//!
//! A message of a publication is carried by one of its copies, the *carrier*; at route
//! position `pos` (links crossed from the publisher) it stands for every copy whose route
//! shares the carrier's first `pos` links ([`Multicast::carried`]). Where those routes part,
//! the device sends one message per distinct next link, each carried by the lowest copy that
//! takes that link ([`Multicast::leads_onward`]); a copy whose route ends at the device (its
//! subscriber) is delivered there.

use super::CompiledFlow;

/// One multicast publication.
#[derive(Clone, Debug)]
pub struct Multicast {
    /// Its copies (flow indices, ascending); the first publishes for all.
    pub copies: Vec<u32>,
    /// Row-major `copies.len()²`: how many links, counted from the publisher, the routes of
    /// copies `i` and `j` share before they part (the route's length when `i == j`).
    shared: Vec<u16>,
    /// Per copy: its route's length in links.
    lengths: Vec<u16>,
}

impl Multicast {
    /// The publication whose copies are `copies`, over the compiled flows `flows`.
    pub fn new(copies: Vec<u32>, flows: &[CompiledFlow]) -> Self {
        let n = copies.len();
        // Each copy's links from the publisher: its route reversed.
        let from_publisher: Vec<Vec<(u32, bool)>> = copies
            .iter()
            .map(|&f| {
                flows[f as usize]
                    .links
                    .iter()
                    .rev()
                    .map(|h| (h.link, h.forward))
                    .collect()
            })
            .collect();
        let mut shared = vec![0u16; n * n];
        for i in 0..n {
            for j in 0..n {
                let common = from_publisher[i]
                    .iter()
                    .zip(&from_publisher[j])
                    .take_while(|(a, b)| a == b)
                    .count();
                shared[i * n + j] = common as u16;
            }
        }
        let lengths = from_publisher.iter().map(|r| r.len() as u16).collect();
        Multicast {
            copies,
            shared,
            lengths,
        }
    }

    /// The number of copies.
    pub fn len(&self) -> usize {
        self.copies.len()
    }

    /// Whether it has no copies (never, for a validated scenario).
    pub fn is_empty(&self) -> bool {
        self.copies.is_empty()
    }

    /// The copies (indices into `copies`) that a message carried by copy `k` stands for at
    /// route position `pos`: those whose routes share `k`'s first `pos` links.
    pub fn carried(&self, k: usize, pos: usize) -> impl Iterator<Item = usize> + '_ {
        let n = self.copies.len();
        (0..n).filter(move |&j| usize::from(self.shared[k * n + j]) >= pos)
    }

    /// Whether copy `j`'s route ends at position `pos` (its subscriber is there).
    pub fn ends_at(&self, j: usize, pos: usize) -> bool {
        usize::from(self.lengths[j]) == pos
    }

    /// Whether copy `j`, among those a message carried by `k` stands for at `pos`, carries
    /// the message onward from `pos`: its route goes on, and no lower copy among them takes
    /// the same next link.
    pub fn leads_onward(&self, k: usize, j: usize, pos: usize) -> bool {
        let n = self.copies.len();
        usize::from(self.lengths[j]) > pos
            && (0..j).all(|i| {
                usize::from(self.shared[k * n + i]) < pos
                    || usize::from(self.shared[i * n + j]) <= pos
            })
    }
}

/// The publications of `s` among the compiled `flows` (scenario order), each copy told its
/// publication and place.
pub fn compile(
    s: &patchtwin_model::Scenario,
    mut flows: Vec<CompiledFlow>,
) -> (Vec<CompiledFlow>, Vec<Multicast>) {
    let mut leads: Vec<u32> = Vec::new();
    let mut copies: Vec<Vec<u32>> = Vec::new();
    for (i, f) in s.flows.iter().enumerate() {
        if let Some(lead) = f.multicast {
            match leads.iter().position(|&l| l == lead.0) {
                Some(g) => copies[g].push(i as u32),
                None => {
                    leads.push(lead.0);
                    copies.push(vec![i as u32]);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(copies.len());
    for (g, c) in copies.into_iter().enumerate() {
        for (k, &f) in c.iter().enumerate() {
            flows[f as usize].multicast = Some((g as u32, k as u16));
        }
        out.push(Multicast::new(c, &flows));
    }
    (flows, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Routes from the publisher: copy 0 over links a, b; copy 1 over a, c; copy 2 over a, b,
    /// d; copy 3 over e.
    fn publication() -> Multicast {
        let routes: [&[(u32, bool)]; 4] = [
            &[(1, true), (2, true)],
            &[(1, true), (3, true)],
            &[(1, true), (2, true), (4, false)],
            &[(5, true)],
        ];
        let n = routes.len();
        let mut shared = vec![0u16; n * n];
        for i in 0..n {
            for j in 0..n {
                shared[i * n + j] = routes[i]
                    .iter()
                    .zip(routes[j])
                    .take_while(|(a, b)| a == b)
                    .count() as u16;
            }
        }
        Multicast {
            copies: (0..n as u32).collect(),
            shared,
            lengths: routes.iter().map(|r| r.len() as u16).collect(),
        }
    }

    #[test]
    fn one_message_per_distinct_next_link() {
        let m = publication();
        // At the publisher the message stands for all four; it leaves on link a (copy 0
        // carries it) and on link e (copy 3).
        assert_eq!(m.carried(0, 0).collect::<Vec<_>>(), [0, 1, 2, 3]);
        let onward: Vec<usize> = (0..4).filter(|&j| m.leads_onward(0, j, 0)).collect();
        assert_eq!(onward, [0, 3]);
        // After link a: copies 0, 1, 2; on to b (copy 0) and c (copy 1).
        assert_eq!(m.carried(0, 1).collect::<Vec<_>>(), [0, 1, 2]);
        let onward: Vec<usize> = (0..4).filter(|&j| m.leads_onward(0, j, 1)).collect();
        assert_eq!(onward, [0, 1]);
        // After a, b: copy 0 ends there (its subscriber), copy 2 goes on over d.
        assert_eq!(m.carried(0, 2).collect::<Vec<_>>(), [0, 2]);
        assert!(m.ends_at(0, 2) && !m.ends_at(2, 2));
        let onward: Vec<usize> = (0..4).filter(|&j| m.leads_onward(0, j, 2)).collect();
        assert_eq!(onward, [2]);
        // Copy 1's message after a, c stands for copy 1 only.
        assert_eq!(m.carried(1, 2).collect::<Vec<_>>(), [1]);
    }
}
