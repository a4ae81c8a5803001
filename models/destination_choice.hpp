#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/reach_table.hpp"
#include "sim/world.hpp"

namespace lifecircle {

/// Cached destination choice: for every residential node, category and time slot, the open
/// candidates in walking-distance order with cumulative Huff weights
///   w_j = A_j * max(d_ij, 25 m)^-b * crowding_j,
/// A_j the floor area, b the category's decay, crowding_j = 1 / (1 + overload of last month).
/// A resident considers a prefix of the list: the candidates within its own walking range,
/// and, without the living-circle map app, only the nearest two. A choice is then one
/// uniform draw and a search of at most k entries.
class ChoiceCache {
public:
    /// One candidate: cumulative weight, distance (metres) and facility id, together so
    /// that a choice touches one or two cache lines.
    struct Entry {
        float cumulative;
        float distance;
        std::int32_t facility;
    };
    /// Candidates of one (node, category, slot): n entries in distance order, of which
    /// within[a] lie within the walking range of age group a.
    struct Candidates {
        const Entry* entry;
        int n;
        const std::uint8_t* within;
    };

    ChoiceCache() = default;
    /// `reach` is each age group's walking range, metres.
    ChoiceCache(std::size_t residential_nodes, std::size_t categories, std::size_t slots, int k,
                std::array<double, kAgeGroups> reach);

    /// Recomputes category c from its reach table (whose facility indices map to world
    /// facilities through `table_facility`), the facilities' hours and last month's crowding.
    void rebuild(std::size_t c, const ReachTable& table, const std::vector<std::uint32_t>& table_facility,
                 const std::vector<Facility>& facilities, const std::vector<float>& crowding,
                 double decay, const std::vector<std::uint32_t>& residential_nodes);

    Candidates get(std::uint32_t rnode, std::size_t c, std::size_t s) const {
        const std::size_t e = (rnode * m_categories + c) * m_slots + s;
        return {&m_entries[e * m_k], m_count[e], &m_within[e * kAgeGroups]};
    }

    /// Index of the chosen candidate among the first m (1 <= m <= kMaxK) for a uniform u:
    /// the first j whose cumulative weight exceeds u times the total, or m - 1. Cumulative
    /// weights never decrease, so that j is the number of earlier entries at or below the
    /// draw, counted without branches (a search would mispredict on most trips). Every
    /// (node, category, slot) owns k entries, so reading all of them stays in bounds.
    static int choose(const Candidates& cand, int m, double u) {
        const float x = static_cast<float>(u) * cand.entry[m - 1].cumulative;
        int j = 0;
        for (int t = 0; t < kMaxK - 1; ++t) j += (t < m - 1) & (x >= cand.entry[t].cumulative);
        return j;
    }
    static constexpr int kMaxK = 8;

    std::size_t bytes() const { return m_entries.size() * sizeof(Entry) + m_count.size(); }

private:
    std::size_t m_categories = 0, m_slots = 0;
    int m_k = 0;
    std::array<double, kAgeGroups> m_reach{};
    std::vector<Entry> m_entries;
    std::vector<std::uint8_t> m_count;
    std::vector<std::uint8_t> m_within;
};

}  // namespace lifecircle
