#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/world.hpp"

namespace lifecircle {

/// Builds the world a scenario describes: the synthetic town (network, centres, baseline
/// facilities) or a real city from OpenStreetMap and a population grid, then its residents.
World build_world(const Scenario& scenario);

/// What `lifecircle world` prints for one district.
struct DistrictSummary {
    std::string name, pinyin;
    std::int64_t residents = 0;
    std::array<std::int64_t, kAgeGroups> by_age{};
    std::int64_t households = 0;
    std::int64_t nodes = 0;
    std::vector<int> facilities;  ///< open facilities by category
    std::vector<double> in_ring;  ///< share of residents whose nearest facility is inside its ring
};

/// Per-district summary; rings use each resident's walking speed (by age).
std::vector<DistrictSummary> summarise_world(const World& world);

/// Share of nodes whose nearest facility of each category is within `minutes` at `speed`
/// metres a minute: [category][minutes].
std::vector<std::vector<double>> node_coverage(const World& world, const std::vector<double>& minutes, double speed);

}  // namespace lifecircle
