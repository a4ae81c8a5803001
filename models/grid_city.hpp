#pragma once

#include <cstdint>
#include <vector>

#include "core/walk_network.hpp"

namespace lifecircle {

/// A synthetic test city: a perturbed street grid with facilities of several categories.
struct GridCity {
    WalkNetwork network;
    /// facility_nodes[c]: the nodes of category c's facilities.
    std::vector<std::vector<std::uint32_t>> facility_nodes;
};

/// Parameters of a grid city; lengths in metres.
struct GridCityOptions {
    std::uint32_t nx = 100, ny = 100;  ///< nodes along x and y
    double spacing = 100.0;            ///< block side, metres
    double jitter = 0.3;               ///< edge length = spacing * (1 + U(0, jitter))
    double missing_edges = 0.1;        ///< share of grid edges left out (dead ends, blocks)
    std::uint32_t categories = 10;
    std::uint32_t facilities_per_category = 100;
    std::uint64_t seed = 1;
};

/// Builds a grid city; deterministic in options.seed (Philox draws keyed by edge and node).
GridCity make_grid_city(const GridCityOptions& options);

}  // namespace lifecircle
