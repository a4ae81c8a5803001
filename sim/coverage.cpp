#include "sim/coverage.hpp"

#include <cmath>
#include <string>

#include "sim/error.hpp"

namespace lifecircle {

std::vector<double> coverage_shares(const ReachTable& table, std::span<const double> minutes,
                                    double speed, std::span<const double> weights) {
    if (!(speed > 0.0) || !std::isfinite(speed))
        throw ArgumentError("coverage: walking speed is " + std::to_string(speed) +
                            "; expected a positive number of metres a minute");
    if (!weights.empty() && weights.size() != table.num_nodes())
        throw ArgumentError("coverage: " + std::to_string(weights.size()) + " weights for " +
                            std::to_string(table.num_nodes()) + " nodes");
    for (double m : minutes)
        if (m * speed > table.max_distance() * (1.0 + 1e-12))
            throw ArgumentError("coverage: " + std::to_string(m) + " minutes at " +
                                std::to_string(speed) + " m/min is beyond the table's " +
                                std::to_string(table.max_distance()) + " m");
    std::vector<double> covered(minutes.size(), 0.0);
    double total = 0.0;
    for (std::uint32_t v = 0; v < table.num_nodes(); ++v) {
        const double w = weights.empty() ? 1.0 : weights[v];
        total += w;
        const double d = table.distance(v, 0);
        for (std::size_t i = 0; i < minutes.size(); ++i)
            if (d <= minutes[i] * speed) covered[i] += w;
    }
    for (auto& c : covered) c = total > 0.0 ? c / total : 0.0;
    return covered;
}

}  // namespace lifecircle
