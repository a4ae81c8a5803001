#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/reach_table.hpp"
#include "sim/world.hpp"

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
/// costs: the weights of the open candidates are summed at choice time, a few additions.
class ChoiceCache {
public:
    static constexpr int kMaxK = 8;        ///< candidates a resident may weigh
    static constexpr int kMaxSlots = 16;   ///< time slots a scenario may define

    struct alignas(64) Block {
        float weight[kMaxK];           ///< Huff weight of each candidate
        float distance[kMaxK];         ///< walking distance, metres
        std::int32_t facility[kMaxK];  ///< world facility id
        std::uint16_t slots[kMaxK];    ///< bit s: open during time slot s
        std::uint8_t n;                ///< candidates present (the rest are empty)
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

    const Block& block(std::uint32_t rnode, std::size_t c) const { return m_blocks[rnode * m_categories + c]; }

    /// Chooses for a uniform u among the candidates of `b` open in `slot` and within the
    /// walking range of `age`, the nearest `limit` of them at most (limit >= 1).
    Choice choose(const Block& b, int slot, int age, int limit, double u) const {
        float cum[kMaxK] = {kNever, kNever, kNever, kNever, kNever, kNever, kNever, kNever};
        int index[kMaxK];
        int m = 0;
        float total = 0.0f;
        const float reach = m_reach[static_cast<std::size_t>(age)];
        for (int j = 0; j < b.n; ++j) {
            if (!((b.slots[j] >> slot) & 1U)) continue;
            if (b.distance[j] > reach) break;  // candidates are in distance order
            total += b.weight[j];
            cum[m] = total;
            index[m++] = j;
            if (m == limit) break;
        }
        if (m == 0) return {-1, 0.0f};
        // the first candidate whose cumulative weight exceeds the draw: cumulative weights
        // never decrease, so it is the number of earlier ones at or below it, counted over a
        // fixed length (no branches) with the last and the unused set beyond any draw
        cum[m - 1] = kNever;
        const float x = static_cast<float>(u) * total;
        int t = 0;
        for (int q = 0; q < kMaxK - 1; ++q) t += x >= cum[q];
        const int j = index[t];
        return {b.facility[j], b.distance[j]};
    }

    std::size_t bytes() const { return m_blocks.size() * sizeof(Block); }

    static constexpr float kNever = std::numeric_limits<float>::infinity();

private:
    std::size_t m_categories = 0;
    int m_k = 0;
    std::array<float, kAgeGroups> m_reach{};
    std::vector<Block> m_blocks;
};

}  // namespace lifecircle
