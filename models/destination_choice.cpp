#include "models/destination_choice.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <tbb/parallel_for.h>

#include "core/error.hpp"

namespace lifecircle {

ChoiceCache::ChoiceCache(std::size_t residential_nodes, std::size_t categories, int k,
                         std::array<double, kAgeGroups> reach)
    : m_categories(categories), m_k(k) {
    if (k < 1 || k > kMaxK)
        throw ArgumentError("choice cache: " + std::to_string(k) + " candidates; expected 1 to " +
                            std::to_string(kMaxK));
    for (int a = 0; a < kAgeGroups; ++a)
        m_reach[static_cast<std::size_t>(a)] = static_cast<float>(reach[static_cast<std::size_t>(a)]);
    m_blocks.assign(residential_nodes * categories, Block{});
}

void ChoiceCache::fill(Block& b, std::uint32_t node, int k, const ReachTable& table,
                       const std::vector<std::uint32_t>& table_facility, const std::vector<Facility>& facilities,
                       const std::vector<float>& crowding, double decay) const {
    b = Block{};
    int n = 0;
    for (int rank = 0; rank < k; ++rank) {
        const auto local = table.facility(node, rank);
        if (local < 0) break;
        const auto fid = table_facility[static_cast<std::size_t>(local)];
        const auto& f = facilities[fid];
        const double d = table.distance(node, rank);
        const auto weight = static_cast<float>(std::max(1.0, static_cast<double>(f.floor_area_m2)) *
                                               std::pow(std::max(d, 25.0), -decay) * crowding[fid]);
        b.cum[n] = n == 0 ? weight : b.cum[n - 1] + weight;
        b.distance[n] = static_cast<float>(d);
        b.facility[n] = static_cast<std::int32_t>(fid);
        for (int s = 0; s < kMaxSlots; ++s)
            if ((f.slot_mask >> s) & 1U) b.open[s] = static_cast<std::uint8_t>(b.open[s] | 1U << n);
        ++n;
    }
    b.n = static_cast<std::uint8_t>(n);
    // empty places add no weight (and, as Block{} has them, are infinitely far)
    for (int j = n; j < kMaxK; ++j) b.cum[j] = n == 0 ? 0.0f : b.cum[n - 1];
    // candidates are in distance order: each age group's are a prefix
    for (int a = 0; a < kAgeGroups; ++a) {
        int in = 0;
        while (in < n && b.distance[in] <= m_reach[static_cast<std::size_t>(a)]) ++in;
        b.in_reach[a] = static_cast<std::uint8_t>(in);
    }
}

void ChoiceCache::rebuild(std::size_t c, const ReachTable& table, const std::vector<std::uint32_t>& table_facility,
                          const std::vector<Facility>& facilities, const std::vector<float>& crowding, double decay,
                          const std::vector<std::uint32_t>& residential_nodes) {
    const int k = std::min(m_k, table.k());
    tbb::parallel_for(std::size_t{0}, residential_nodes.size(), [&](std::size_t r) {
        fill(m_blocks[r * m_categories + c], residential_nodes[r], k, table, table_facility, facilities, crowding,
             decay);
    });
}

void ChoiceCache::rebuild_nodes(std::size_t c, const ReachTable& table,
                                const std::vector<std::uint32_t>& table_facility,
                                const std::vector<Facility>& facilities, const std::vector<float>& crowding,
                                double decay, const std::vector<std::uint32_t>& nodes) {
    const int k = std::min(m_k, table.k());
    tbb::parallel_for(std::size_t{0}, nodes.size(), [&](std::size_t i) {
        const std::uint32_t node = nodes[i];
        fill(m_blocks[static_cast<std::size_t>(node) * m_categories + c], node, k, table, table_facility, facilities,
             crowding, decay);
    });
}

}  // namespace lifecircle
