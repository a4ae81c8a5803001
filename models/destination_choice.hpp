#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/reach_table.hpp"
#include "core/world.hpp"

namespace lifecircle {

/// Cached destination choice (multinomial logit in Huff form). For every residential node and
/// category the cache keeps the k nearest facilities from the reach table, in walking-distance
/// order, with their Huff weights
///   w_j = A_j * max(d_ij, 25 m)^-b * crowding_j,
/// A_j the floor area, b the category's decay, crowding_j = 1 / (1 + overload of last month),
/// and the time slots each is open in. A need in slot s by a resident of age group a weighs
/// the candidates open in s within a's walking range, and, without the living-circle map app,
/// only the nearest two of them; it picks one with probability proportional to w_j.
///
/// One block (128 bytes, two cache lines) holds a (node, category): a choice reads only it.
/// Keeping slots as bit masks rather than one list per slot makes the cache seven times
/// smaller (Yunfu: 8 MB, inside the last-level cache, instead of 42 MB), which is what a need
/// costs. The block keeps the candidates' running sums of weights, in distance order: when the
/// candidates allowed are the nearest m (the usual case: all open, or the nearest two), the
/// choice compares the draw with those sums directly; otherwise it sums the allowed ones'
/// weights (each the difference of two running sums).
class ChoiceCache {
  public:
    static constexpr int kMaxK = 8;       ///< candidates a resident may weigh
    static constexpr int kMaxSlots = 16;  ///< time slots a scenario may define
    static constexpr int kNearest = 2;    ///< candidates weighed without the map app

    /// A node's candidates in one category. The first cache line (running sums, distances)
    /// is all the market's pricing reads: past the n candidates present the sums stay at
    /// their total and the distances are infinite, so a reader needs no n.
    struct alignas(64) Block {
        static constexpr float kInf = std::numeric_limits<float>::infinity();
        float cum[kMaxK] = {};  ///< running sum of the Huff weights of candidates 0..j
        float distance[kMaxK] = {kInf, kInf, kInf, kInf,
                                 kInf, kInf, kInf, kInf};  ///< walking distance, metres (infinite: no candidate)
        static_assert(kMaxK == 8, "distance's initializer names every place");
        std::int32_t facility[kMaxK] = {};       ///< world facility id
        std::uint8_t open[kMaxSlots] = {};       ///< per time slot: bit j set = candidate j open in it
        std::uint8_t n = 0;                      ///< candidates present (the rest are empty)
        std::uint8_t in_reach[kAgeGroups] = {};  ///< per age group: the nearest this many are in its range
    };

    /// The chosen facility (-1: none open in reach) and its distance in metres.
    struct Choice {
        std::int32_t facility;
        float distance;
    };

    ChoiceCache() = default;
    /// `reach` is each age group's walking range, metres; `k` at most kMaxK.
    ChoiceCache(std::size_t residential_nodes, std::size_t categories, int k, std::array<double, kAgeGroups> reach);

    /// Recomputes category c from its reach table (whose facility indices map to world
    /// facilities through `table_facility`), the facilities' hours and last month's crowding.
    void rebuild(std::size_t c, const ReachTable& table, const std::vector<std::uint32_t>& table_facility,
                 const std::vector<Facility>& facilities, const std::vector<float>& crowding, double decay,
                 const std::vector<std::uint32_t>& residential_nodes);

    /// As rebuild, only the blocks of `nodes` (node ids), in a cache built over every node of
    /// the network (residential node r = node r): the rest of category c stays as it is.
    void rebuild_nodes(std::size_t c, const ReachTable& table, const std::vector<std::uint32_t>& table_facility,
                       const std::vector<Facility>& facilities, const std::vector<float>& crowding, double decay,
                       const std::vector<std::uint32_t>& nodes);

    const Block& block(std::uint32_t rnode, std::size_t c) const { return m_blocks[rnode * m_categories + c]; }

    /// Chooses for a uniform u in [0, 1) among the candidates of `b` open in `slot` and within
    /// the walking range of `age`; with `nearest_only`, among the nearest kNearest of those.
    ///
    /// The candidates allowed are a bit mask: the slot's open ones, the age group's reachable
    /// ones (a prefix, as candidates are in distance order) and, with `nearest_only`, the
    /// first kNearest of those (lowest bits, cleared without a branch).
    Choice choose(const Block& b, int slot, int age, bool nearest_only, float u) const {
        std::uint32_t allowed = b.open[slot] & ((1U << b.in_reach[age]) - 1U);
        std::uint32_t first = 0, rest = allowed;
        for (int q = 0; q < kNearest; ++q) {
            first |= rest & (0U - rest);  // the lowest place still in rest
            rest &= rest - 1U;
        }
        allowed = nearest_only ? first : allowed;
        if (allowed == 0) return {-1, 0.0f};
        const int p = (allowed & (allowed + 1U)) == 0 ? place_nearest(b.cum, allowed, u) : place(b.cum, allowed, u);
        return {b.facility[p], b.distance[p]};
    }

    /// The place chosen when the allowed places are the first m (allowed = 2^m - 1): the first
    /// whose running sum exceeds u times the total (the m-th sum), that is the count of the
    /// earlier m - 1 sums at or below it, over a fixed length without branches.
    static int place_nearest(const float* cum, std::uint32_t allowed, float u) {
        const int m = 32 - __builtin_clz(allowed);  // (not popcount: no instruction for it in baseline x86-64)
        const float x = u * cum[m - 1];
        int t = 0;
        for (int q = 0; q < kMaxK - 1; ++q) t += (q < m - 1) & (cum[q] <= x);
        return t;
    }

    /// The place chosen among any allowed places (bit mask, not 0): their weights (each the
    /// difference of two running sums) are summed in place order, a loop over the set bits,
    /// and the choice is the first whose sum exceeds u times the total, counted without
    /// branches over a fixed length with the last set beyond any draw against rounding.
    static int place(const float* cum_all, std::uint32_t allowed, float u) {
        float cum[kMaxK] = {kNever, kNever, kNever, kNever, kNever, kNever, kNever, kNever};
        int index[kMaxK];
        int m = 0;
        float total = 0.0f;
        for (std::uint32_t rest = allowed; rest != 0; rest &= rest - 1U) {
            const int j = __builtin_ctz(rest);
            total += weight(cum_all, j);
            cum[m] = total;
            index[m++] = j;
        }
        cum[m - 1] = kNever;
        const float x = u * total;
        int t = 0;
        for (int q = 0; q < kMaxK - 1; ++q) t += x >= cum[q];
        return index[t];
    }

    /// The number of b's candidates nearer than `distance`: as candidates are in distance
    /// order and empty places infinitely far, a count over all places, without a branch (the
    /// market's pricing asks this of every home around a site, and the answer is unpredictable).
    static int nearer(const Block& b, float distance) {
        int n = 0;
        for (int j = 0; j < kMaxK; ++j) n += b.distance[j] < distance;
        return n;
    }

    /// Candidate j's weight from the running sums.
    static float weight(const float* cum, int j) { return j == 0 ? cum[0] : cum[j] - cum[j - 1]; }

    std::size_t bytes() const { return m_blocks.size() * sizeof(Block); }

    static constexpr float kNever = std::numeric_limits<float>::infinity();

  private:
    /// Block b of `node` from its row of `table` (the first k candidates).
    void fill(Block& b, std::uint32_t node, int k, const ReachTable& table,
              const std::vector<std::uint32_t>& table_facility, const std::vector<Facility>& facilities,
              const std::vector<float>& crowding, double decay) const;

    std::size_t m_categories = 0;
    int m_k = 0;
    std::array<float, kAgeGroups> m_reach{};
    std::vector<Block, HugePageAllocator<Block>> m_blocks;
};

}  // namespace lifecircle
