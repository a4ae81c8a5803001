#pragma once

#include <cstdint>
#include <vector>

#include "core/world.hpp"

namespace lifecircle {

/// The street layout of a synthetic town and the places the plan's hierarchy names.
struct SyntheticLayout {
    WalkNetwork network;
    std::vector<std::uint16_t> node_district;
    std::vector<float> node_weight;
    std::vector<std::uint8_t> node_commercial;
    std::vector<std::uint32_t> district_centre;               ///< 片区中心, per district
    std::vector<std::vector<std::uint32_t>> cluster_centres;  ///< 组团中心, per district
    std::vector<std::vector<std::uint32_t>> main_street;      ///< main commercial street nodes
    std::vector<std::vector<std::uint32_t>> district_nodes;   ///< all nodes of each district
};

/// Lays out the districts as rectangles tiling a square around the map origin (rows of
/// equal width, each district's width proportional to its area; the first districts of the
/// scenario, the pilots, in the middle row), then draws one irregular street grid over it:
/// blocks of block_min_m..block_max_m, jittered intersections, about 12% of street segments
/// missing (dead ends, larger blocks), lengths with a small detour. Each district gets a main
/// commercial street through its centre, a district centre and four cluster centres.
/// Deterministic in the scenario's seed.
SyntheticLayout make_synthetic_layout(const Scenario& scenario);

/// Baseline facilities of every district on its commercial sites, after the district's
/// commercial form: clustered near the centres, along the main street (street_block), or
/// spread over the district (distributed). Deterministic in the seed.
std::vector<Facility> place_baseline_facilities(const Scenario& scenario, const SyntheticLayout& layout);

}  // namespace lifecircle
