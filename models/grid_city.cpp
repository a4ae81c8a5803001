#include "models/grid_city.hpp"

#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace lifecircle {

GridCity make_grid_city(const GridCityOptions& o) {
    if (o.nx < 2 || o.ny < 2) throw ArgumentError("grid city: need at least 2 x 2 nodes");
    if (!(o.spacing > 0)) throw ArgumentError("grid city: spacing must be positive");
    const std::uint64_t n = std::uint64_t{o.nx} * o.ny;
    std::vector<std::int64_t> ids(n);
    std::vector<double> x(n), y(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        ids[i] = static_cast<std::int64_t>(i);
        x[i] = static_cast<double>(i % o.nx) * o.spacing;
        y[i] = static_cast<double>(i / o.nx) * o.spacing;
    }
    const CounterRng edge_rng(o.seed, 1), facility_rng(o.seed, 2);
    std::vector<std::int64_t> from, to;
    std::vector<double> length;
    auto add = [&](std::uint64_t a, std::uint64_t b, std::uint64_t key) {
        if (edge_rng.uniform(2 * key) < o.missing_edges) return;
        from.push_back(static_cast<std::int64_t>(a));
        to.push_back(static_cast<std::int64_t>(b));
        // lengths rounded to the centimetre, as surveyed data would be
        const double len = o.spacing * (1.0 + o.jitter * edge_rng.uniform(2 * key + 1));
        length.push_back(static_cast<double>(static_cast<std::int64_t>(len * 100.0)) / 100.0);
    };
    for (std::uint64_t i = 0; i < n; ++i) {
        if (i % o.nx + 1 < o.nx) add(i, i + 1, 2 * i);
        if (i / o.nx + 1 < o.ny) add(i, i + o.nx, 2 * i + 1);
    }
    GridCity city;
    city.network =
        WalkNetwork::from_arrays(std::move(ids), std::move(x), std::move(y), from, to, length, true, "grid city");
    const auto kept = city.network.num_nodes();
    city.facility_nodes.resize(o.categories);
    for (std::uint32_t c = 0; c < o.categories; ++c)
        for (std::uint32_t f = 0; f < o.facilities_per_category; ++f)
            city.facility_nodes[c].push_back(
                static_cast<std::uint32_t>(facility_rng.below(std::uint64_t{c} * o.facilities_per_category + f, kept)));
    return city;
}

}  // namespace lifecircle
