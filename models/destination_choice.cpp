#include "models/destination_choice.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <tbb/parallel_for.h>

#include "sim/error.hpp"

namespace lifecircle {

ChoiceCache::ChoiceCache(std::size_t residential_nodes, std::size_t categories, std::size_t slots, int k,
                         std::array<double, kAgeGroups> reach)
    : m_categories(categories), m_slots(slots), m_k(k), m_reach(reach) {
    if (k < 1 || k > kMaxK)
        throw ArgumentError("choice cache: " + std::to_string(k) + " candidates; expected 1 to " + std::to_string(kMaxK));
    const std::size_t entries = residential_nodes * categories * slots;
    // kMaxK padding entries at the end: choose() reads kMaxK - 1 entries of the last list
    m_entries.assign(entries * static_cast<std::size_t>(k) + kMaxK, Entry{0.0f, 0.0f, -1});
    m_count.assign(entries, 0);
    m_within.assign(entries * kAgeGroups, 0);
}

void ChoiceCache::rebuild(std::size_t c, const ReachTable& table, const std::vector<std::uint32_t>& table_facility,
                          const std::vector<Facility>& facilities, const std::vector<float>& crowding,
                          double decay, const std::vector<std::uint32_t>& residential_nodes) {
    const int k = std::min(m_k, table.k());
    tbb::parallel_for(std::size_t{0}, residential_nodes.size(), [&](std::size_t r) {
        const std::uint32_t node = residential_nodes[r];
        for (std::size_t s = 0; s < m_slots; ++s) {
            const std::size_t e = (r * m_categories + c) * m_slots + s;
            double cum = 0;
            int n = 0;
            for (int rank = 0; rank < k; ++rank) {
                const auto local = table.facility(node, rank);
                if (local < 0) break;
                const auto fid = table_facility[static_cast<std::size_t>(local)];
                const auto& f = facilities[fid];
                if (!((f.slot_mask >> s) & 1U)) continue;
                const double d = table.distance(node, rank);
                cum += std::max(1.0, static_cast<double>(f.floor_area_m2)) *
                       std::pow(std::max(d, 25.0), -decay) * crowding[fid];
                m_entries[e * m_k + n] = {static_cast<float>(cum), static_cast<float>(d),
                                          static_cast<std::int32_t>(fid)};
                ++n;
            }
            m_count[e] = static_cast<std::uint8_t>(n);
            for (int a = 0; a < kAgeGroups; ++a) {
                int m = 0;
                while (m < n && m_entries[e * m_k + m].distance <= static_cast<float>(m_reach[a])) ++m;
                m_within[e * kAgeGroups + a] = static_cast<std::uint8_t>(m);
            }
        }
    });
}

}  // namespace lifecircle
